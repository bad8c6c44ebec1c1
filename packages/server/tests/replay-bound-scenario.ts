import { connect, type Socket } from 'node:net';
import { defineContract, isSsekitError } from '@ssekit/contract';
import { implement, type SlowConsumerPolicy, type SseSession } from '@ssekit/server';
import { createHub, type ReplayStore } from '@ssekit/server/broadcast';
import { serve } from '@ssekit/server/node';
import { z } from 'zod';
import { dataOf, openStream, type TestStream, until } from './broadcast-helpers.ts';

/** A replay route whose events carry a sequence number and filler text. */
export const boundContract = defineContract({
  feed: {
    path: '/feeds/:feed/events',
    replay: true,
    resetEvent: 'reset',
    events: {
      message: z.object({ n: z.number().int(), text: z.string() }),
      reset: z.object({ reason: z.string() }),
    },
  },
});

/** What {@link neverReadingResume} observed. */
export interface NeverReadingResult {
  /** Errors the router reported, with the route they were reported for. */
  readonly reported: { error: unknown; route: string | undefined }[];
  /** The largest queue (sink + held) the stalled session had, sampled after every live publish. */
  readonly maxQueuedBytes: number;
  /** Whether the server closed the stalled client's stream (the paused client itself never reads the FIN). */
  readonly stalledClosed: boolean;
  /** Live events the reading subscriber received, by sequence number. */
  readonly fastReceived: number[];
  /** Sequence numbers of the live events published. */
  readonly published: number[];
  readonly maxQueueBytes: number;
}

/**
 * Over real HTTP on loopback: a backlog of `backlog` large events, then a client that resumes from the first of them
 * (`Last-Event-ID`) and never reads (paused socket: the replay stalls once the kernel buffers are full), while `live`
 * more events are published to the topic and a second client reads them all.
 */
export async function neverReadingResume(options: {
  store: ReplayStore;
  slowConsumer?: SlowConsumerPolicy;
  backlog?: number;
  live?: number;
  maxQueueBytes?: number;
}): Promise<NeverReadingResult> {
  const { store } = options;
  // 500 × 12 KB: more than a paused loopback connection absorbs (~4 MB here), so the replay waits for drain.
  const backlog = options.backlog ?? 500;
  const live = options.live ?? 1500;
  const maxQueueBytes = options.maxQueueBytes ?? 256 * 1024;
  const reported: NeverReadingResult['reported'] = [];
  const hub = createHub(boundContract.feed, { store });
  const sessions: SseSession[] = [];
  const router = implement(
    boundContract,
    {
      feed: (session) => {
        sessions.push(session as unknown as SseSession);
        return hub.subscribe(session);
      },
    },
    {
      heartbeat: false,
      maxQueueBytes,
      slowConsumer: options.slowConsumer ?? 'disconnect',
      onError: (error, { route }) => reported.push({ error, route }),
    },
  );
  const server = await serve(router);
  const params = { feed: `f${Math.random().toString(36).slice(2, 8)}` };
  const url = `${server.url}/feeds/${params.feed}/events`;
  let stalled: Socket | undefined;
  let fast: TestStream | undefined;
  try {
    const filler = 'x'.repeat(12_000);
    let resumeId = '';
    for (let n = 0; n < backlog; n++) {
      const receipt = await hub.publish(params, 'message', { n: -backlog + n, text: filler });
      if (n === 0) resumeId = receipt.id;
    }
    // The reading client joins after the backlog: it follows the live events only.
    fast = await openStream(url);
    await until(() => hub.subscriberCount() === 1, 10_000, 'the reading subscriber');
    const socket = connect(server.port, '127.0.0.1');
    stalled = socket;
    socket.pause();
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`GET /feeds/${params.feed}/events HTTP/1.1\r\nhost: x\r\nlast-event-id: ${resumeId}\r\n\r\n`);
    await until(() => hub.subscriberCount() === 2, 10_000, 'the resuming subscriber');
    const resuming = sessions[1] as SseSession;
    // Let the replay fill the kernel buffers and wait for a drain that never comes.
    await until(() => resuming.closed || resuming.queuedBytes > 0, 10_000, 'the replay to start');
    let maxQueuedBytes = 0;
    const published: number[] = [];
    const small = 'y'.repeat(1000);
    for (let n = 0; n < live; n++) {
      await hub.publish(params, 'message', { n, text: small });
      published.push(n);
      if (n % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
      maxQueuedBytes = Math.max(maxQueuedBytes, resuming.queuedBytes);
    }
    await fast.waitFor((events) => events.length === live, 20_000, 'every live event on the reading client');
    if (options.slowConsumer !== 'drop') {
      await until(() => resuming.closed && hub.subscriberCount() === 1, 10_000, 'the stalled client to be cut off');
    }
    const stalledClosed = resuming.closed;
    const fastReceived = dataOf<{ n: number }>(fast.events, 'message').map((m) => m.n);
    return { reported, maxQueuedBytes, stalledClosed, fastReceived, published, maxQueueBytes };
  } finally {
    fast?.close();
    stalled?.destroy();
    await server.close();
    await hub.close();
  }
}

/** The slow-consumer errors among what the router reported. */
export function slowConsumerErrors(result: NeverReadingResult) {
  return result.reported.filter(({ error }) => isSsekitError(error) && error.code === 'SLOW_CONSUMER');
}
