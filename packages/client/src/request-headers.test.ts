import { describe, expect, it } from 'vitest';
import { buildRequestHeaders, resolveHeaders } from './request-headers.js';

describe('buildRequestHeaders', () => {
  it('adds Accept and keeps the caller headers', () => {
    const h = buildRequestHeaders(new Headers({ 'x-a': '1' }), { lastEventId: undefined, hasBody: false });
    expect(h.get('accept')).toBe('text/event-stream');
    expect(h.get('x-a')).toBe('1');
    expect(h.has('last-event-id')).toBe(false);
    expect(h.has('content-type')).toBe(false);
  });

  it('keeps a caller Accept', () => {
    const h = buildRequestHeaders(new Headers({ Accept: 'text/event-stream, */*' }), {
      lastEventId: undefined,
      hasBody: false,
    });
    expect(h.get('accept')).toBe('text/event-stream, */*');
  });

  it('sends exactly one Last-Event-ID whatever copies the caller supplied', () => {
    const caller = new Headers([
      ['last-event-id', 'a'],
      ['Last-Event-ID', 'b'],
      ['LAST-EVENT-ID', 'c'],
    ]);
    const h = buildRequestHeaders(caller, { lastEventId: '7', hasBody: false });
    expect(h.get('last-event-id')).toBe('7');
    expect([...h.entries()].filter(([k]) => k === 'last-event-id')).toEqual([['last-event-id', '7']]);
  });

  it('keeps the caller Last-Event-ID when no id is known', () => {
    const h = buildRequestHeaders(new Headers({ 'LAST-EVENT-ID': 'mine' }), { lastEventId: undefined, hasBody: false });
    expect([...h.entries()].filter(([k]) => k === 'last-event-id')).toEqual([['last-event-id', 'mine']]);
  });

  it('does not send an empty Last-Event-ID', () => {
    const h = buildRequestHeaders(new Headers(), { lastEventId: '', hasBody: false });
    expect(h.has('last-event-id')).toBe(false);
  });

  it('defaults a body to text/plain unless a content type was given', () => {
    expect(buildRequestHeaders(new Headers(), { lastEventId: undefined, hasBody: true }).get('content-type')).toBe(
      'text/plain;charset=UTF-8',
    );
    const json = new Headers({ 'Content-Type': 'application/json' });
    expect(buildRequestHeaders(json, { lastEventId: undefined, hasBody: true }).get('content-type')).toBe(
      'application/json',
    );
  });
});

describe('resolveHeaders', () => {
  it('accepts records, tuples, Headers, and (async) functions', async () => {
    expect((await resolveHeaders({ a: '1' })).get('a')).toBe('1');
    expect((await resolveHeaders([['b', '2']])).get('b')).toBe('2');
    expect((await resolveHeaders(new Headers({ c: '3' }))).get('c')).toBe('3');
    expect((await resolveHeaders(async () => ({ d: '4' }))).get('d')).toBe('4');
    expect([...(await resolveHeaders(undefined)).keys()]).toEqual([]);
  });
});
