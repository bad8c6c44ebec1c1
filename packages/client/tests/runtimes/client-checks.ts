/**
 * What the generated client must do on every runtime, in both validation modes (`zod`, `standalone`): subscribe and
 * receive typed events, report an event that breaks the contract and go on, and resume with `Last-Event-ID` across
 * reconnections. Web APIs only; the runtimes' entry points run it and print the result.
 */
import * as standalone from '../../../../codegen/tests/__generated__/standalone/client.ts';
import * as zod from '../../../../codegen/tests/__generated__/zod/client.ts';

/** What one mode's client did, for the test to check. */
export interface ClientCheckResult {
  mode: 'zod' | 'standalone';
  /** `subscribe` on `/json`: the typed customer and product. */
  json: { customer: unknown; product: unknown; errors: string[] };
  /** `subscribe` on a `/json` whose customer breaks the contract: the reported error codes, then the product. */
  invalid: { errors: { code: string; event: string | undefined }[]; customers: number; product: unknown };
  /** `for await` over `/greetings/Ada?count=5`, served two events per connection: every greeting, once, in order. */
  resumed: { ns: number[]; ids: (string | undefined)[]; lastEventIds: (string | null)[] };
}

const BOUND_MS = 10_000;

function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), BOUND_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function checkMode(
  mode: ClientCheckResult['mode'],
  createClient: typeof zod.createClient,
  baseUrl: string,
  fetchImpl: typeof fetch | undefined,
): Promise<ClientCheckResult> {
  const config = {
    baseUrl: `${baseUrl}/good`,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  };
  const client = createClient(config);

  const json: ClientCheckResult['json'] = { customer: undefined, product: undefined, errors: [] };
  await bounded(
    new Promise<void>((resolve) => {
      const sub = client.json.subscribe({
        customer: (customer) => {
          json.customer = customer;
        },
        product: (product) => {
          json.product = product;
          sub.close();
          resolve();
        },
        onError: (error) => json.errors.push(error.code),
      });
    }),
    `${mode}: /json`,
  );

  const badClient = createClient({ ...config, baseUrl: `${baseUrl}/bad` });
  const invalid: ClientCheckResult['invalid'] = { errors: [], customers: 0, product: undefined };
  await bounded(
    new Promise<void>((resolve) => {
      const sub = badClient.json.subscribe({
        customer: () => {
          invalid.customers++;
        },
        product: (product) => {
          invalid.product = product;
          sub.close();
          resolve();
        },
        onError: (error) =>
          invalid.errors.push({ code: error.code, event: (error as { raw?: { event?: string } }).raw?.event }),
      });
    }),
    `${mode}: /bad/json`,
  );

  const resumed: ClientCheckResult['resumed'] = { ns: [], ids: [], lastEventIds: [] };
  const before = ((await (fetchImpl ?? fetch)(`${baseUrl}/log`).then((r) => r.json())) as ClientCheckResult['resumed'])
    .lastEventIds.length;
  await bounded(
    (async () => {
      for await (const event of client.greetings.stream({ params: { name: 'Ada' }, query: { count: 5 } })) {
        if (event.event !== 'greeting') continue;
        resumed.ns.push(event.data.n);
        resumed.ids.push(event.id);
        if (event.data.n === 5) break;
      }
    })(),
    `${mode}: /greetings resumed`,
  );
  const log = (await (fetchImpl ?? fetch)(`${baseUrl}/log`).then((r) => r.json())) as ClientCheckResult['resumed'];
  resumed.lastEventIds = log.lastEventIds.slice(before);
  return { mode, json, invalid, resumed };
}

/**
 * Runs the checks with both generated clients against the check server at `baseUrl` (through `fetchImpl` when given,
 * e.g. a Worker's service binding).
 *
 * @example
 * ```ts
 * console.log(JSON.stringify(await runClientChecks('http://127.0.0.1:8080')));
 * ```
 */
export async function runClientChecks(baseUrl: string, fetchImpl?: typeof fetch): Promise<ClientCheckResult[]> {
  return [
    await checkMode('zod', zod.createClient, baseUrl, fetchImpl),
    await checkMode('standalone', standalone.createClient, baseUrl, fetchImpl),
  ];
}
