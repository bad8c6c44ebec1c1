import { type AnyContract, defineContract, type StandardSchemaV1 } from '@ssekit/contract';
import { arktypeContract, valibotContract, zodContract } from '@ssekit-examples/contracts/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type RunningServer, serve } from '../src/adapters/node/index.js';
import { ContractValidationError, createHub, implement } from '../src/index.js';

type Contract = typeof zodContract;

/** The same implementation for each validator's contract (they share one shape). */
function serveContract(contract: Contract): Promise<RunningServer> {
  const router = implement(contract, {
    search: async (session) => {
      await session.send('item', { id: session.query.q, n: 1 });
      try {
        await session.send('item', { id: '', n: 1.5 });
      } catch (error) {
        const issues = error instanceof ContractValidationError ? error.issues.map((i) => i.path).sort() : [];
        await session.send('note', `rejected ${(error as { code?: string }).code} at ${issues.join(',')}`);
      }
      await session.send('note', `shelf ${session.params.shelf}, tenant ${session.headers['x-tenant']}`);
    },
    orders: async (session) => {
      await session.send('item', { id: session.body.sku, n: session.body.qty });
    },
  });
  return serve(router, { port: 0, host: '127.0.0.1' });
}

const VALIDATORS = [
  ['zod', zodContract],
  ['valibot', valibotContract as unknown as Contract],
  ['arktype', arktypeContract as unknown as Contract],
] as const;

interface Answer {
  status: number;
  problems: { in: string; path: string }[];
  body: string;
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const body = await response.text();
  const problems =
    response.headers.get('content-type') === 'application/problem+json'
      ? (JSON.parse(body) as { errors: { in: string; path: string }[] }).errors.map(({ in: where, path }) => ({
          in: where,
          path,
        }))
      : [];
  return { status: response.status, problems, body };
}

// The accept/reject table every validator must answer alike: the server validates params, query, headers, body and
// the events it sends through each validator's `~standard.validate`.
describe.each(VALIDATORS)('a contract validated by %s', (_name, contract) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serveContract(contract);
  });
  afterAll(() => server?.close());
  const tenant = { 'x-tenant': 'acme' };

  it('accepts a valid GET; rejects invalid event data on send with a ContractValidationError naming the paths', async () => {
    const answer = await call(`${server.url}/search/ab?q=lamp`, { headers: tenant });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('event: item\ndata: {"id":"lamp","n":1}\n');
    expect(answer.body).toContain('event: note\ndata: rejected CONTRACT_VALIDATION at id,n\n');
    expect(answer.body).toContain('event: note\ndata: shelf ab, tenant acme\n');
  });

  it.each([
    ['params', '/search/a?q=lamp', tenant, [{ in: 'params', path: 'shelf' }]],
    ['query', '/search/ab', tenant, [{ in: 'query', path: 'q' }]],
    ['query (empty)', '/search/ab?q=', tenant, [{ in: 'query', path: 'q' }]],
    ['headers', '/search/ab?q=lamp', {}, [{ in: 'headers', path: 'x-tenant' }]],
    [
      'several parts at once',
      '/search/a',
      {},
      [
        { in: 'params', path: 'shelf' },
        { in: 'query', path: 'q' },
        { in: 'headers', path: 'x-tenant' },
      ],
    ],
  ])('rejects bad %s with 400 naming each field', async (_what, path, headers, problems) => {
    const answer = await call(`${server.url}${path}`, { headers });
    expect(answer.status).toBe(400);
    expect(answer.problems).toEqual(problems);
  });

  it('accepts a valid POST body and rejects a bad one naming each field', async () => {
    const post = (body: unknown) =>
      call(`${server.url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const good = await post({ sku: 'lamp', qty: 2 });
    expect(good.status).toBe(200);
    expect(good.body).toContain('data: {"id":"lamp","n":2}');
    const bad = await post({ sku: '', qty: 0 });
    expect(bad.status).toBe(400);
    expect(bad.problems.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { in: 'body', path: 'qty' },
      { in: 'body', path: 'sku' },
    ]);
    expect((await post({ qty: 1.5 })).problems.map((p) => p.path).sort()).toEqual(['qty', 'sku']);
  });
});

/** A Standard Schema whose `validate` answers asynchronously: a string of at least `min` characters. */
function asyncString(min: number): StandardSchemaV1<string> {
  return {
    '~standard': {
      version: 1,
      vendor: 'async-test',
      validate: async (value) =>
        typeof value === 'string' && value.length >= min
          ? { value }
          : { issues: [{ message: `at least ${min} characters`, path: [] }] },
    },
  };
}

describe('an asynchronous Standard Schema validator', () => {
  const contract = defineContract({
    echo: {
      path: '/echo',
      query: {
        '~standard': {
          version: 1,
          vendor: 'async-test',
          validate: async (value: unknown) => {
            const q = (value as { q?: unknown }).q;
            return typeof q === 'string' && q.length > 0
              ? { value: { q } }
              : { issues: [{ message: 'q is required', path: [{ key: 'q' }] }] };
          },
        },
      } as StandardSchemaV1<unknown, { q: string }>,
      events: { word: asyncString(2), seen: z.string() },
    },
  });
  let server: RunningServer;
  beforeAll(async () => {
    server = await serve(
      implement(contract as AnyContract as typeof contract, {
        echo: async (session) => {
          await session.send('word', session.query.q);
          const error = await session.send('word', 'x').catch((e: unknown) => e);
          await session.send('seen', error instanceof ContractValidationError ? error.message : 'accepted');
        },
      }),
      { port: 0, host: '127.0.0.1' },
    );
  });
  afterAll(() => server?.close());

  it('is awaited for request parts (a Promise result) and for send; a rejection names the event', async () => {
    const ok = await call(`${server.url}/echo?q=hello`);
    expect(ok.status).toBe(200);
    // A validator that offers no JSON Schema: its events travel as JSON.
    expect(ok.body).toContain('event: word\ndata: "hello"\n');
    expect(ok.body).toContain('route "echo", event "word": invalid data: (root): at least 2 characters');
    const bad = await call(`${server.url}/echo`);
    expect(bad.status).toBe(400);
    expect(bad.problems).toEqual([{ in: 'query', path: 'q' }]);
  });
});

describe('hub.publish with Standard Schema validators', () => {
  it('validates params and data with valibot and arktype schemas, and awaits an asynchronous one', async () => {
    const v = await import('valibot');
    const { type } = await import('arktype');
    const contract = defineContract({
      feed: {
        path: '/feeds/:feedId',
        params: v.object({ feedId: v.pipe(v.string(), v.minLength(2)) }),
        events: { post: type({ text: 'string >= 1' }), word: asyncString(2) },
      },
    });
    const hub = createHub(contract.feed);
    try {
      await expect(hub.publish({ feedId: 'f1' }, 'post', { text: 'hi' })).resolves.toMatchObject({ topic: 'feed/f1' });
      await expect(hub.publish({ feedId: 'f1' }, 'word', 'hello')).resolves.toMatchObject({ topic: 'feed/f1' });
      await expect(hub.publish({ feedId: 'f' }, 'post', { text: 'hi' })).rejects.toThrow(
        'route "feed", event "(params)": invalid data: feedId',
      );
      await expect(hub.publish({ feedId: 'f1' }, 'post', { text: '' })).rejects.toBeInstanceOf(ContractValidationError);
      await expect(hub.publish({ feedId: 'f1' }, 'word', 'x')).rejects.toThrow('at least 2 characters');
    } finally {
      await hub.close();
    }
  });
});
