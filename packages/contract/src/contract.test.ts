import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  buildPath,
  ContractDefinitionError,
  contractRoutes,
  defaultDeserialize,
  defaultSerialize,
  defineContract,
  eventEncoding,
  isContract,
  isSsekitError,
  parsePathParams,
  toTemplatePath,
} from './index.js';

const ev = { message: z.string() };

function definitionError(fn: () => unknown): ContractDefinitionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ContractDefinitionError);
    expect(isSsekitError(error)).toBe(true);
    return error as ContractDefinitionError;
  }
  throw new Error('expected a ContractDefinitionError');
}

describe('defineContract', () => {
  it('normalizes routes: method, params schema from the path, encodings', () => {
    const c = defineContract({
      room: {
        path: '/rooms/:roomId/users/:userId',
        events: { message: z.string(), joined: z.object({ n: z.number() }) },
      },
    });
    expect(isContract(c)).toBe(true);
    expect(c.room.method).toBe('GET');
    const internals = c.room['~ssekit'];
    expect(internals.paramNames).toEqual(['roomId', 'userId']);
    expect(internals.encodings).toEqual({ message: 'text', joined: 'json' });
    expect(z.safeParse(internals.params as z.ZodType, { roomId: 'a', userId: 'b' }).success).toBe(true);
    expect(contractRoutes(c).map(([key]) => key)).toEqual(['room']);
  });

  it('builds the default params schema from zod core, validating exactly like z.object of z.string()', () => {
    const params = defineContract({ r: { path: '/a/:x/:y', events: ev } }).r['~ssekit'].params;
    const classic = z.object({ x: z.string(), y: z.string() });
    for (const value of [{ x: 'a', y: 'b' }, { x: 'a', y: 'b', extra: 1 }, { x: 1 }, {}, [], null, 'x']) {
      expect(z.safeParse(params as z.ZodType, value)).toEqual(z.safeParse(classic, value));
    }
    expect(z.toJSONSchema(params as z.ZodType)).toEqual(z.toJSONSchema(classic));
  });

  it.each([
    ['', 'an event name is empty'],
    ['a\nb', 'contains CR, LF or NUL'],
    ['a\rb', 'contains CR, LF or NUL'],
    ['a\0b', 'contains CR, LF or NUL'],
  ])('rejects the event name %j naming the route', (name, message) => {
    const error = definitionError(() => defineContract({ feed: { path: '/feed', events: { [name]: z.string() } } }));
    expect(error.message).toContain('route "feed"');
    expect(error.message).toContain(message);
    expect(error.route).toBe('feed');
    expect(error.code).toBe('CONTRACT_DEFINITION');
  });

  it.each([
    'response.output_text.delta',
    'user-created',
    'a:b',
    'thread.run.step.completed',
    '9lives',
    'class',
    'onError',
    'constructor',
    '__proto__',
    ' spaced name ',
    'émoji 🎉',
  ])('accepts the event name %j (any name the SSE format allows)', (name) => {
    const c = defineContract({ feed: { path: '/feed', events: { [name]: z.string() } } });
    expect(c.feed['~ssekit'].eventNames).toEqual([name]);
    expect(c.feed['~ssekit'].encodings[name]).toBe('text');
  });

  it('rejects bad paths, params that do not match the path, and misplaced bodies', () => {
    expect(definitionError(() => defineContract({ a: { path: 'x', events: ev } })).message).toContain(
      'must start with',
    );
    expect(definitionError(() => defineContract({ a: { path: '/x/:id/:id', events: ev } })).message).toContain(
      'repeats',
    );
    expect(
      definitionError(() =>
        defineContract({ a: { path: '/x/:id', params: z.object({ other: z.string() }), events: ev } }),
      ).message,
    ).toContain('do not match');
    expect(
      definitionError(() => defineContract({ a: { path: '/x', body: z.object({}), events: ev } as never })).message,
    ).toContain('not a POST route');
    expect(definitionError(() => defineContract({ a: { path: '/x', events: {} } })).message).toContain('no events');
    expect(definitionError(() => defineContract({ 'bad-key': { path: '/x', events: ev } })).message).toContain(
      'route key',
    );
  });

  it('rejects two routes on the same method and path shape', () => {
    expect(
      definitionError(() => defineContract({ a: { path: '/x/:a', events: ev }, b: { path: '/x/:b', events: ev } }))
        .message,
    ).toContain('already declared by route "a"');
  });

  it('requires errorEvent/resetEvent to be declared events, and serialize with deserialize', () => {
    expect(
      definitionError(() => defineContract({ a: { path: '/x', events: ev, errorEvent: 'oops' as never } })).message,
    ).toContain('errorEvent "oops"');
    expect(
      definitionError(() => defineContract({ a: { path: '/x', events: ev, serialize: (v) => String(v) } })).message,
    ).toContain('both or neither');
  });
});

describe('requestExamples', () => {
  it('keeps valid request examples on the route', () => {
    const c = defineContract({
      greet: {
        path: '/greet/:name',
        query: z.object({ count: z.coerce.number() }),
        events: { message: z.string(), failed: z.object({ code: z.string(), message: z.string() }) },
        errorEvent: 'failed',
        requestExamples: [
          { name: 'Ada', params: { name: 'Ada' }, query: { count: 2 } },
          { params: { name: 'boom' }, expect: 'error-event' },
        ],
      },
    });
    expect(c.greet.requestExamples).toEqual([
      { name: 'Ada', params: { name: 'Ada' }, query: { count: 2 } },
      { params: { name: 'boom' }, expect: 'error-event' },
    ]);
  });

  it.each([
    [{ requestExamples: {} }, '`requestExamples` must be an array'],
    [{ requestExamples: ['x'] }, 'requestExamples[0] must be an object'],
    [{ requestExamples: [{ name: 1 }] }, 'requestExamples[0].name must be a string'],
    [{ requestExamples: [{}, { query: 'a=1' }] }, 'requestExamples[1].query must be an object'],
    [{ requestExamples: [{ params: [] }] }, 'requestExamples[0].params must be an object'],
    [{ requestExamples: [{ body: {} }] }, 'has a body but the route is not a POST route'],
    [{ requestExamples: [{ expect: 'nothing' }] }, 'expect must be "events" or "error-event"'],
    [{ requestExamples: [{ expect: 'error-event' }] }, 'declares no errorEvent'],
  ])('rejects %j', (extra, message) => {
    const error = definitionError(() => defineContract({ a: { path: '/x', events: ev, ...(extra as object) } }));
    expect(error.message).toContain(message);
    expect(error.route).toBe('a');
  });
});

describe('paths and serialization', () => {
  it('parses, templates and builds paths', () => {
    expect(parsePathParams('/a/:x/b/:y')).toEqual(['x', 'y']);
    expect(toTemplatePath('/a/:x/b/:y')).toBe('/a/{x}/b/{y}');
    expect(buildPath('/rooms/:id', { id: 'a b/c' })).toBe('/rooms/a%20b%2Fc');
    expect(() => buildPath('/rooms/:id', {})).toThrow(/missing path parameter "id"/);
  });

  it('sends text events verbatim and JSON otherwise, and reads them back', () => {
    const text = { route: 'r', path: '/r', event: 'e', schema: z.string(), encoding: eventEncoding(z.string()) };
    const json = { ...text, schema: z.object({ a: z.number() }), encoding: eventEncoding(z.object({ a: z.number() })) };
    expect(defaultSerialize('event 0', text)).toBe('event 0');
    expect(defaultDeserialize('event 0', text)).toBe('event 0');
    expect(defaultSerialize({ a: 1 }, json)).toBe('{"a":1}');
    expect(defaultDeserialize('{"a":1}', json)).toEqual({ a: 1 });
    expect(eventEncoding(z.enum(['a', 'b']))).toBe('text');
    expect(eventEncoding(z.union([z.string(), z.number()]))).toBe('json');
  });
});

describe('Standard Schema validators in every slot', () => {
  it('accepts valibot and arktype schemas for events, params, query, headers and body', async () => {
    const v = await import('valibot');
    const { type } = await import('arktype');
    const c = defineContract({
      valibot: {
        path: '/v/:id',
        method: 'POST',
        params: v.object({ id: v.string() }),
        query: v.object({ q: v.string() }),
        headers: v.object({ 'x-a': v.string() }),
        body: v.object({ n: v.number() }),
        events: { text: v.pipe(v.string(), v.minLength(1)), obj: v.object({ n: v.number() }) },
      },
      arktype: {
        path: '/a/:id',
        method: 'POST',
        params: type({ id: 'string' }),
        query: type({ q: 'string' }),
        headers: type({ 'x-a': 'string' }),
        body: type({ n: 'number' }),
        events: { text: type('string'), obj: type({ n: 'number' }) },
      },
    });
    // String events travel as text with either validator, like zod's.
    expect(c.valibot['~ssekit'].encodings).toEqual({ text: 'text', obj: 'json' });
    expect(c.arktype['~ssekit'].encodings).toEqual({ text: 'text', obj: 'json' });
    expect(c.valibot['~ssekit'].params).toBe(c.valibot.params);
  });

  it('rejects a slot that is neither zod nor a Standard Schema v1 validator', () => {
    const notASchema = { '~standard': { version: 2, validate: () => ({ value: 1 }) } };
    expect(
      definitionError(() => defineContract({ a: { path: '/a', query: notASchema as never, events: ev } })).message,
    ).toContain('`query` must be a zod schema or another Standard Schema v1 validator');
    expect(
      definitionError(() => defineContract({ a: { path: '/a', events: { x: { parse: () => 1 } as never } } })).message,
    ).toContain('event "x" needs a zod schema or another Standard Schema v1 validator');
  });
});

describe('a route mixing validators', () => {
  it('takes valibot params, an arktype query and zod events in one route', async () => {
    const v = await import('valibot');
    const { type } = await import('arktype');
    const c = defineContract({
      search: {
        path: '/search/:shelf',
        params: v.object({ shelf: v.pipe(v.string(), v.minLength(2)) }),
        query: type({ q: 'string >= 1' }),
        events: { item: v.object({ id: v.string(), n: v.number() }), note: type('string'), z: z.number() },
      },
    });
    expect(c.search['~ssekit'].encodings).toEqual({ item: 'json', note: 'text', z: 'json' });
    expect(c.search.params['~standard'].vendor).toBe('valibot');
    expect(c.search.query['~standard'].vendor).toBe('arktype');
  });
});
