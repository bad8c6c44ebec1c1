import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HostProcess,
  runtimeArgs,
  runtimeAvailable,
  runtimeBinary,
  startHostProcess,
} from '../../../scripts/runtimes.ts';
import { SEEN_PATH } from './conformance/hosts/host-app.ts';
import { rawRequest } from './conformance/http-client.ts';
import type { Snapshot } from './conformance/observations.ts';

// Bun.serve closes a connection that stayed idle for `idleTimeout` seconds (default 10), a streaming response included:
// a stream must write (event or heartbeat) more often than that. Here scaled down: idleTimeout 1 s.
const hasBun = runtimeAvailable('bun', 'the Bun idle-timeout tests');

describe.skipIf(!hasBun)('Bun.serve idleTimeout and heartbeats', () => {
  let host: HostProcess;
  // A fresh connection per request (no keep-alive pool): the server closes idle connections after a second.
  const seen = async () => JSON.parse(await (await rawRequest(host.url + SEEN_PATH)).text()) as Snapshot;
  beforeAll(async () => {
    host = await startHostProcess({
      command: runtimeBinary('bun'),
      args: runtimeArgs('bun', 'packages/server/tests/conformance/hosts/serve.ts', ['--idle-timeout=1']),
    });
  });
  afterAll(() => host?.stop());

  it('cuts a stream silent for longer than idleTimeout, and session.signal fires', async () => {
    const before = await seen();
    // Opened with a comment, then silent (its heartbeat is 15 s away).
    const res = await rawRequest(`${host.url}/opened/hold`);
    const outcome = await res.text().then(
      () => 'ended',
      () => 'cut',
    );
    expect(['ended', 'cut']).toContain(outcome);
    let after = await seen();
    for (let i = 0; i < 100 && after.aborted === before.aborted; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await seen();
    }
    expect(after.aborted).toBe(before.aborted + 1);
    expect(after.sessions).toBe(0);
  });

  it('keeps a stream open past idleTimeout while its heartbeat writes more often (100 ms)', async () => {
    const res = await rawRequest(`${host.url}/opened/hold-beating`);
    let ended = false;
    res.text().then(
      () => {
        ended = true;
      },
      () => {
        ended = true;
      },
    );
    const chunks: string[] = [];
    res.onChunk((chunk) => chunks.push(chunk));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(ended).toBe(false);
    expect(chunks.filter((c) => c.includes(': heartbeat')).length).toBeGreaterThan(10);
    res.abort();
  });
});
