import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { freePort } from '../../../scripts/runtimes.ts';

/** The shared NATS (JetStream) these tests talk to: loopback, default port. */
export const NATS_URL = '127.0.0.1:4222';

/** The nats-server binary the kill/restart tests start on a spare port. */
export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

async function jetStreamAnswers(servers: string): Promise<boolean> {
  try {
    const nc = await connect({ servers, timeout: 1000, reconnect: false });
    try {
      await (await jetstreamManager(nc, { timeout: 1000 })).getAccountInfo();
      return true;
    } finally {
      await nc.close();
    }
  } catch {
    return false;
  }
}

/** Whether NATS with JetStream answered at load time. */
export const natsUp = await jetStreamAnswers(NATS_URL);

/** Skip NATS tests only locally: in CI (`CI` set) they run and fail when NATS is unreachable. */
export const noNats = !natsUp && !process.env.CI;
if (noNats) {
  console.warn(
    '\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' +
      `!!  NATS JetStream is NOT reachable at ${NATS_URL}: the @ssekit/nats tests are SKIPPED.\n` +
      '!!  Start it: nats-server -a 127.0.0.1 -p 4222 -js\n' +
      '!!  (In CI, with CI set, these tests fail instead of skipping.)\n' +
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n',
  );
}

/** A stream name unique to this test run. */
export function uniqueStream(name: string): string {
  return `SSEKIT_TEST_${name}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Deletes a stream of the shared NATS (ignores a missing one). */
export async function deleteStream(name: string, servers = NATS_URL): Promise<void> {
  try {
    const nc = await connect({ servers, timeout: 1000, reconnect: false });
    try {
      await (await jetstreamManager(nc)).streams.delete(name);
    } catch {
      // already gone
    } finally {
      await nc.close();
    }
  } catch {
    // NATS down: nothing to clean
  }
}

/** A nats-server of the test's own on a spare loopback port, with JetStream on disk in a temp dir. */
export interface OwnNatsServer {
  readonly url: string;
  /** Kills it (SIGKILL): no graceful shutdown. */
  kill(): Promise<void>;
  /** Starts it again on the same port and store dir; resolves once JetStream answers. */
  start(): Promise<void>;
  /** Kills it and removes its store dir. */
  dispose(): Promise<void>;
}

/** Starts an own nats-server (bounded wait until JetStream answers). */
export async function startOwnNats(): Promise<OwnNatsServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ssekit-nats-'));
  const url = `127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(NATS_SERVER_BIN, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await jetStreamAnswers(url))) {
      if (Date.now() > deadline) throw new Error(`nats-server on ${url} did not answer within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url,
    kill,
    start,
    async dispose() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
