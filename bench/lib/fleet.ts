import { join } from 'node:path';
import { BUNDLE_DIR } from './bundle.ts';
import { BenchChild, serverRuntime, stopAll } from './proc.ts';
import { MEMORY_ONLY } from './servers/index.ts';
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
  /** Loopback source addresses (127.0.0.x) client sockets are spread over; default: the system's choice. */
  localAddresses?: string[];
  /** Lifetime bound of every child (default: `CHILD_LIFETIME_MS`). */
  lifetimeMs?: number;
  /** ssekit's `limits.maxStreams` in the server (default: the library's, 10,000). */
  maxStreams?: number;
  /** Handshakes in flight per client process (default 250). */
  concurrency?: number;
}

/** Starts a server and its clients (in parallel), connects every stream and waits until the server counts them all. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const lifetime = options.lifetimeMs === undefined ? [] : ['--lifetime-ms', String(options.lifetimeMs)];
  const starting = [
    BenchChild.start({
      script: join(BUNDLE_DIR, 'server-process.mjs'),
      args: [
        '--impl',
        options.impl,
        ...(options.coalesceMs === undefined ? [] : ['--coalesce-ms', String(options.coalesceMs)]),
        ...lifetime,
        ...(options.maxStreams === undefined ? [] : ['--max-streams', String(options.maxStreams)]),
      ],
      label: `server ${options.impl}`,
      // every implementation's server on the same Node (`--node`), so the comparison stays fair
      node: serverRuntime().path,
      exposeGc: options.exposeGc ?? false,
      ...(options.cpuProfDir ? { cpuProfDir: options.cpuProfDir } : {}),
    }),
    ...Array.from({ length: options.clientProcesses }, (_, i) =>
      BenchChild.start({
        script: join(BUNDLE_DIR, 'client-process.mjs'),
        args: lifetime,
        label: `client ${i} of ${options.impl}`,
      }),
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
      await connect(server, clients, open, count, options);
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
  options: FleetOptions,
): Promise<void> {
  const impl = options.impl;
  const port = server.ready.port as number;
  const shares = clients.map((_, i) => Math.floor(count / clients.length) + (i < count % clients.length ? 1 : 0));
  const addresses = options.localAddresses ?? [];
  await Promise.all(
    clients.map((client, i) =>
      client.request(
        'connect',
        {
          port,
          path: STREAM_PATH,
          count: shares[i],
          concurrency: options.concurrency ?? 250,
          timeoutMs: 30_000,
          openOnResponse: MEMORY_ONLY.includes(impl),
          // each client process gets its own slice of the source addresses
          localAddresses: addressesOf(addresses, i, clients.length),
        },
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

/** Client `index`'s share of the source addresses: every `clients`-th one, or one of them when there are fewer. */
function addressesOf(addresses: readonly string[], index: number, clients: number): string[] {
  if (addresses.length === 0) return [];
  if (addresses.length < clients) return [addresses[index % addresses.length] as string];
  return addresses.filter((_, a) => a % clients === index);
}
