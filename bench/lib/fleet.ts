import { join } from 'node:path';
import { BUNDLE_DIR } from './bundle.ts';
import { BenchChild, serverRuntime, stopAll } from './proc.ts';
import { STREAM_PATH } from './tick.ts';

/** A server child plus client children holding connections to it. */
export interface Fleet {
  server: BenchChild;
  clients: BenchChild[];
  /** Opens `count` more streams, split across the clients, and waits until the server counts them all. */
  addConnections(count: number): Promise<void>;
  stop(): Promise<void>;
}

export interface FleetOptions {
  impl: string;
  connections: number;
  /** Client processes; connections are split between them. */
  clientProcesses: number;
  exposeGc?: boolean;
  cpuProfDir?: string;
  coalesceMs?: number;
}

/** Starts a server and its clients (in parallel), connects every stream and waits until the server counts them all. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const starting = [
    BenchChild.start({
      script: join(BUNDLE_DIR, 'server-process.mjs'),
      args: [
        '--impl',
        options.impl,
        ...(options.coalesceMs === undefined ? [] : ['--coalesce-ms', String(options.coalesceMs)]),
      ],
      label: `server ${options.impl}`,
      // every implementation's server on the same Node (`--node`), so the comparison stays fair
      node: serverRuntime().path,
      exposeGc: options.exposeGc ?? false,
      ...(options.cpuProfDir ? { cpuProfDir: options.cpuProfDir } : {}),
    }),
    ...Array.from({ length: options.clientProcesses }, (_, i) =>
      BenchChild.start({ script: join(BUNDLE_DIR, 'client-process.mjs'), label: `client ${i} of ${options.impl}` }),
    ),
  ];
  const settled = await Promise.allSettled(starting);
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stopAll(started);
    throw failed.reason;
  }
  const [server, ...clients] = started as [BenchChild, ...BenchChild[]];
  let open = 0;
  const fleet: Fleet = {
    server,
    clients,
    addConnections: async (count) => {
      await connect(server, clients, open, count, options.impl);
      open += count;
    },
    stop: () => stopAll([...clients, server]),
  };
  try {
    if (options.connections > 0) await fleet.addConnections(options.connections);
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  return fleet;
}

async function connect(
  server: BenchChild,
  clients: BenchChild[],
  open: number,
  count: number,
  impl: string,
): Promise<void> {
  const port = server.ready.port as number;
  const shares = clients.map((_, i) => Math.floor(count / clients.length) + (i < count % clients.length ? 1 : 0));
  await Promise.all(
    clients.map((client, i) =>
      client.request(
        'connect',
        { port, path: STREAM_PATH, count: shares[i], concurrency: 250, timeoutMs: 30_000 },
        45_000,
      ),
    ),
  );
  const total = open + count;
  const streams = await server.request<{ ok: boolean; streams: number }>(
    'streams',
    { count: total, timeoutMs: 20_000 },
    25_000,
  );
  if (!streams.ok) throw new Error(`${impl}: ${streams.streams}/${total} streams open on the server`);
}
