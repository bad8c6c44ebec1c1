import { Miniflare } from 'miniflare';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleWorker, runtimeAvailable, WORKER_COMPATIBILITY_DATE } from '../../../scripts/runtimes.ts';
import type { DisconnectLog } from './conformance/hosts/disconnect-worker.ts';
import { type RawResponse, rawRequest, waitFor } from './conformance/http-client.ts';

// What a Worker learns when its client disconnects, found by test in workerd (miniflare). The README's runtime table
// states these results.
const hasWorkerd = runtimeAvailable('workerd', 'the workerd disconnect tests');
const script = hasWorkerd ? await bundleWorker('packages/server/tests/conformance/hosts/disconnect-worker.ts') : '';

let mf: Miniflare | undefined;
afterEach(async () => {
  await mf?.dispose();
  mf = undefined;
});

async function start(flags: string[]): Promise<{ url: string; log(): Promise<DisconnectLog> }> {
  mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: WORKER_COMPATIBILITY_DATE,
    compatibilityFlags: flags,
    host: '127.0.0.1',
    port: 0,
  });
  const url = (await mf.ready).origin;
  return { url, log: async () => (await (await fetch(`${url}/log`)).json()) as DisconnectLog };
}

/** Opens a stream and resolves once its head arrived; `chunks` fills as bytes come. */
async function open(url: string): Promise<{ res: RawResponse; chunks: string[] }> {
  const res = await rawRequest(url);
  const chunks: string[] = [];
  res.onChunk((chunk) => chunks.push(chunk));
  return { res, chunks };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!hasWorkerd)('workerd: what a stream learns when its client leaves', () => {
  it('sends the head of a stream at once, and its own heartbeat timer keeps it open', async () => {
    const worker = await start(['enable_request_signal']);
    const { res, chunks } = await open(`${worker.url}/beating/h`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(chunks).toEqual([]);
    await waitFor(() => chunks.length >= 4, 5000, 'four heartbeats');
    expect(new Set(chunks)).toEqual(new Set([': heartbeat\n\n']));
    res.abort();
  });

  it('cancels a stream with no timer of its own at once, as hung: an empty body, and no signal', async () => {
    const worker = await start(['enable_request_signal']);
    // heartbeat: false, and the handler only awaits `session.done`: nothing is pending in this request.
    const { res } = await open(`${worker.url}/silent/s`);
    expect(await res.text()).toBe('');
    await pause(1000);
    expect(await worker.log()).toEqual({ opened: ['s'], aborted: [] });
  });

  it('needs a heartbeat timer per stream: a shared one, made in the first request, never reaches the second', async () => {
    const worker = await start(['enable_request_signal']);
    const first = await open(`${worker.url}/shared/1`);
    const second = await open(`${worker.url}/shared/2`);
    // The second request has no timer of its own: workerd cancels it as hung, and the shared timer's writes are lost.
    expect(await second.res.text()).toBe('');
    await waitFor(() => first.chunks.length >= 2, 5000, 'heartbeats on the first stream');
    expect(second.chunks).toEqual([]);
    first.res.abort();
  });

  it('with enable_request_signal: session.signal fires at the next write after the client left', async () => {
    const worker = await start(['enable_request_signal']);
    // Two streams at once, each with its own heartbeat timer: both keep beating, and both learn of their client's exit.
    const a = await open(`${worker.url}/beating/a`);
    const b = await open(`${worker.url}/beating/b`);
    await waitFor(() => a.chunks.length >= 2 && b.chunks.length >= 2, 5000, 'heartbeats on both streams');
    a.res.abort();
    b.res.abort();
    let log = await worker.log();
    for (let i = 0; i < 100 && log.aborted.length < 2; i++) {
      await pause(50);
      log = await worker.log();
    }
    expect(log.aborted.sort()).toEqual(['a', 'b']);
  });

  it('without enable_request_signal: a heartbeating stream never learns it (2 s after the exit)', async () => {
    const worker = await start([]);
    const beating = await open(`${worker.url}/beating/x`);
    await waitFor(() => beating.chunks.length >= 1, 5000, 'a heartbeat');
    beating.res.abort();
    await pause(2000);
    expect(await worker.log()).toEqual({ opened: ['x'], aborted: [] });
  });
});
