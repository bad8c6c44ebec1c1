/** Messages between the broadcast bench runner and its child processes (node IPC, one request → one reply). */

/** Every child exits by itself after this long, whatever happens to the runner. */
export const CHILD_LIFETIME_MS = 60_000;

/** The stream path every server serves. */
export const STREAM_PATH = '/ticks';

/** Implementations under test. */
/** Implementations under test; `ssekit-core` (a typed route whose handler only awaits `session.done`, no hub) attributes costs. */
export type Impl = 'raw' | 'ssekit' | 'ssekit-core' | 'ssekit-redis';

/** A tick's data: `seq` lets clients check order and completeness; `sentAt` (ms, epoch-based, µs precision) latency. */
export interface Tick {
  seq: number;
  sentAt: number;
  text: string;
}

export type Request =
  | { id: number; cmd: 'streams' }
  | { id: number; cmd: 'cpu' }
  | { id: number; cmd: 'memory' }
  /** Publish `count` ticks from `fromSeq`: each in its own event-loop turn (`turn`) or all in one turn (`burst`). */
  | { id: number; cmd: 'publish'; fromSeq: number; count: number; mode: 'turn' | 'burst' }
  /** Publish `count` ticks at `perSecond`, one per turn, stamped with `sentAt`. */
  | { id: number; cmd: 'paced'; fromSeq: number; count: number; perSecond: number }
  | { id: number; cmd: 'open'; port: number; count: number }
  /** Resolves when every connection got every tick through `seq`, with their verification. */
  | { id: number; cmd: 'await'; seq: number; timeoutMs: number }
  | { id: number; cmd: 'latencies' }
  | { id: number; cmd: 'exit' };

export interface Reply {
  id: number;
  ok: boolean;
  error?: string;
  value?: unknown;
}

/** A client process's verdict on its connections. */
export interface Verdict {
  connections: number;
  /** Connections that saw every tick through the awaited seq, in order, once. */
  complete: number;
  /** Ticks received out of order or twice, over all connections. */
  anomalies: number;
  received: number;
}

/** `performance.timeOrigin + performance.now()`: a wall-clock ms with µs resolution, comparable across processes. */
export const now = (): number => performance.timeOrigin + performance.now();

/** Answers IPC requests in a child; exits on disconnect and after {@link CHILD_LIFETIME_MS}. */
export function serveRequests(handle: (request: Request) => Promise<unknown>): void {
  const hardStop = setTimeout(() => {
    console.error(`[bench/broadcast] child ${process.pid} reached its ${CHILD_LIFETIME_MS} ms lifetime, exiting`);
    process.exit(3);
  }, CHILD_LIFETIME_MS);
  hardStop.unref();
  process.on('disconnect', () => process.exit(0));
  process.on('message', (request: Request) => {
    if (request.cmd === 'exit') {
      process.send?.({ id: request.id, ok: true } satisfies Reply, () => process.exit(0));
      return;
    }
    handle(request).then(
      (value) => process.send?.({ id: request.id, ok: true, value } satisfies Reply),
      (error: unknown) =>
        process.send?.({ id: request.id, ok: false, error: error instanceof Error ? error.stack : String(error) }),
    );
  });
}
