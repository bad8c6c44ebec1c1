import { describe, expect, it } from 'vitest';
import { buildRouteUrl } from './route-url.js';

describe('buildRouteUrl', () => {
  it('appends the filled path to the base path', () => {
    expect(buildRouteUrl('http://h/api/', '/rooms/:id', { id: 'a b/c' }).href).toBe('http://h/api/rooms/a%20b%2Fc');
    expect(buildRouteUrl(new URL('http://h/api'), '/events').href).toBe('http://h/api/events');
    expect(buildRouteUrl('http://h', '/events').href).toBe('http://h/events');
  });

  it('repeats array query keys and skips undefined and null', () => {
    const url = buildRouteUrl('http://h', '/e', undefined, {
      tag: ['x', 'y'],
      n: 5,
      b: false,
      skip: undefined,
      none: null,
      list: [1, undefined, 2],
    });
    expect(url.search).toBe('?tag=x&tag=y&n=5&b=false&list=1&list=2');
  });

  it('writes dates as ISO strings and objects as JSON', () => {
    const url = buildRouteUrl('http://h', '/e', undefined, { at: new Date(0), f: { a: 1 } });
    expect(url.searchParams.get('at')).toBe('1970-01-01T00:00:00.000Z');
    expect(url.searchParams.get('f')).toBe('{"a":1}');
  });

  it('throws for a missing path parameter or a relative base without location', () => {
    expect(() => buildRouteUrl('http://h', '/rooms/:id', {})).toThrow(/missing path parameter "id"/);
    expect(() => buildRouteUrl('/api', '/e')).toThrow(/not an absolute URL/);
  });

  it('does not mutate a URL base', () => {
    const base = new URL('http://h/api');
    buildRouteUrl(base, '/e', undefined, { a: 1 });
    expect(base.href).toBe('http://h/api');
  });
});
