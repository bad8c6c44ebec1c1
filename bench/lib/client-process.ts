/**
 * A benchmark client child: holds `count` SSE connections to 127.0.0.1, parses them with eventsource-parser,
 * checks order, payload and checksum per connection, and (in latency runs) records publish→receive latency.
 */
import { request } from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { argValue, CHILD_LIFETIME_MS, serveCommands, waitFor } from './child.ts';
import { HELLO_SEQ, monotonicMicros, TICK_EVENT, TICK_TEXT, type Tick } from './tick.ts';
import { type DeliveryReport, seqChecksumStep } from './verify.ts';

const CHECKSUM_START = 2166136261;

interface Connection {
  opened: boolean;
  closed: boolean;
  count: number;
  lastSeq: number;
  checksum: number;
  destroy(): void;
}

const connections: Connection[] = [];
const errors: string[] = [];
let target = Number.POSITIVE_INFINITY;
let finished = 0;
let latencies: Float64Array | undefined;
let latencyCount = 0;
/** Receive time (µs, shared monotonic clock) of the first and the last connection that completed the armed run. */
let firstDoneUs = 0;
let lastDoneUs = 0;

function error(message: string): void {
  if (errors.length < 20) errors.push(message);
}

function onTick(conn: Connection, index: number, message: EventSourceMessage): void {
  if (message.event !== TICK_EVENT) return;
  let data: Tick;
  try {
    data = JSON.parse(message.data) as Tick;
  } catch {
    error(`connection ${index}: unparsable data ${message.data.slice(0, 80)}`);
    return;
  }
  if (data.text !== TICK_TEXT) error(`connection ${index}: unexpected payload ${message.data.slice(0, 80)}`);
  if (data.seq === HELLO_SEQ) {
    conn.opened = true;
    return;
  }
  if (latencies && latencyCount < latencies.length) latencies[latencyCount++] = monotonicMicros() - data.at;
  conn.count++;
  conn.lastSeq = data.seq;
  conn.checksum = seqChecksumStep(conn.checksum, data.seq);
  if (conn.count === target) {
    const now = monotonicMicros();
    if (finished === 0) firstDoneUs = now;
    lastDoneUs = now;
    finished++;
  }
}

/**
 * Opens one stream. `openOnResponse`: the stream counts as open on its response headers (servers that send no greeting
 * event); otherwise on the greeting tick. `localAddress` spreads sockets over loopback addresses (127.0.0.x), so many
 * thousands of connections to one port do not exhaust the ephemeral ports of one source address.
 */
function open(
  port: number,
  path: string,
  index: number,
  openOnResponse: boolean,
  localAddress: string | undefined,
): Connection {
  const conn: Connection = {
    opened: false,
    closed: false,
    count: 0,
    lastSeq: -1,
    checksum: CHECKSUM_START,
    destroy: () => req.destroy(),
  };
  const parser = createParser({ onEvent: (message) => onTick(conn, index, message) });
  const req = request(
    {
      host: '127.0.0.1',
      port,
      path,
      agent: false,
      headers: { accept: 'text/event-stream' },
      ...(localAddress ? { localAddress } : {}),
    },
    (res) => {
      if (res.statusCode !== 200) error(`connection ${index}: HTTP ${res.statusCode}`);
      else if (openOnResponse) conn.opened = true;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
      res.on('close', () => {
        conn.closed = true;
      });
    },
  );
  req.on('error', (e) => {
    if (!conn.closed) error(`connection ${index}: ${e.message}`);
    conn.closed = true;
  });
  req.end();
  return conn;
}

serveCommands(
  {
    /** Opens `count` connections (at most `concurrency` handshakes at a time) and waits for every greeting. */
    connect: async (m) => {
      const { port, path, count } = m as unknown as { port: number; path: string; count: number };
      const concurrency = (m.concurrency as number | undefined) ?? 100;
      const timeoutMs = (m.timeoutMs as number | undefined) ?? 30_000;
      const openOnResponse = m.openOnResponse === true;
      const localAddresses = (m.localAddresses as string[] | undefined) ?? [];
      for (let i = 0; i < count; i += concurrency) {
        const batch: Connection[] = [];
        for (let j = i; j < Math.min(count, i + concurrency); j++) {
          const local = localAddresses.length ? localAddresses[connections.length % localAddresses.length] : undefined;
          const conn = open(port, path, connections.length, openOnResponse, local);
          connections.push(conn);
          batch.push(conn);
        }
        const ok = await waitFor(() => batch.every((c) => c.opened || c.closed), timeoutMs, 5);
        if (!ok) throw new Error(`connections ${i}..${i + batch.length - 1} did not open within ${timeoutMs} ms`);
      }
      const opened = connections.filter((c) => c.opened).length;
      if (opened !== connections.length)
        throw new Error(`only ${opened}/${connections.length} streams opened: ${errors.join('; ')}`);
      return { opened };
    },
    /** Arms the counters for a run of `events` events per connection; `latency` records latency samples too. */
    arm: (m) => {
      target = m.events as number;
      finished = 0;
      firstDoneUs = 0;
      lastDoneUs = 0;
      for (const conn of connections) {
        conn.count = 0;
        conn.lastSeq = -1;
        conn.checksum = CHECKSUM_START;
      }
      latencies = m.latency ? new Float64Array(target * connections.length) : undefined;
      latencyCount = 0;
      return { armed: connections.length };
    },
    /** Waits until every connection received the run's events (or the timeout), then reports. */
    await: async (m) => {
      await waitFor(() => finished >= connections.length, (m.timeoutMs as number | undefined) ?? 30_000, 2);
      // a connection that got more than expected shows up in the report: wait a little for strays
      await new Promise((resolve) => setTimeout(resolve, 20));
      const report: DeliveryReport & { latenciesUs?: number[]; firstDoneUs: number; lastDoneUs: number } = {
        firstDoneUs,
        lastDoneUs,
        connections: connections.length,
        counts: connections.map((c) => c.count),
        lastSeqs: connections.map((c) => c.lastSeq),
        checksums: connections.map((c) => c.checksum),
        errors: [...errors],
      };
      if (latencies) report.latenciesUs = Array.from(latencies.subarray(0, latencyCount));
      return report;
    },
    close: () => {
      for (const conn of connections) conn.destroy();
      return { closed: connections.length };
    },
  },
  { pid: process.pid },
  Number(argValue('lifetime-ms') ?? CHILD_LIFETIME_MS),
);
