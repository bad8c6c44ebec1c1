import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, LimitedBody } from './request.js';

describe('LimitedBody', () => {
  it('collects string and byte chunks up to the limit, in bytes, and decodes UTF-8 split across chunks', () => {
    const body = new LimitedBody(8);
    const euro = new TextEncoder().encode('€'); // 3 bytes
    expect(body.add('ab')).toBe(true);
    expect(body.add(euro.subarray(0, 1))).toBe(true);
    expect(body.add(euro.subarray(1))).toBe(true);
    expect(body.add('xyz')).toBe(true);
    expect(body.text()).toBe('ab€xyz');
    expect(body.add('!')).toBe(false);
    expect(body.text()).toBe('ab€xyz');
  });

  it('reads nothing as the empty string; the error names the limit', () => {
    expect(new LimitedBody(1).text()).toBe('');
    const error = new BodyTooLargeError(1024);
    expect(error.code).toBe('BODY_TOO_LARGE');
    expect(error.message).toBe('request body exceeds 1024 bytes');
  });
});
