import { describe, expect, it } from 'vitest';
import { isEventStreamContentType } from './content-type.js';

describe('isEventStreamContentType', () => {
  it('accepts text/event-stream with any case and parameters', () => {
    expect(isEventStreamContentType('text/event-stream')).toBe(true);
    expect(isEventStreamContentType('Text/Event-Stream; charset=utf-8')).toBe(true);
    expect(isEventStreamContentType(' text/event-stream ;x=y')).toBe(true);
  });

  it('rejects everything else', () => {
    for (const value of [null, '', 'text/plain', 'application/json', 'text/event-streams', 'text/event']) {
      expect(isEventStreamContentType(value)).toBe(false);
    }
  });
});
