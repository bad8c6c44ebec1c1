import { describe, expect, it } from 'vitest';
import { normalizePrefix, stripPrefix } from './prefix.js';

describe('mount prefixes', () => {
  it('normalizes to no prefix or one leading slash and no trailing one', () => {
    expect([undefined, '', '/', '//'].map(normalizePrefix)).toEqual(['', '', '', '']);
    expect(['sse', '/sse', '/sse/', '//api/sse//'].map(normalizePrefix)).toEqual(['/sse', '/sse', '/sse', '/api/sse']);
  });

  it('makes URLs under the prefix relative to it, query included, and leaves the others out', () => {
    expect(stripPrefix('/sse/events?x=1', '/sse')).toBe('/events?x=1');
    expect(stripPrefix('/sse', '/sse')).toBe('/');
    expect(stripPrefix('/sse?x=1', '/sse')).toBe('/?x=1');
    expect(stripPrefix('/ssex/events', '/sse')).toBeUndefined();
    expect(stripPrefix('/other', '/sse')).toBeUndefined();
    expect(stripPrefix('/events', '')).toBe('/events');
  });
});
