/**
 * Holds SSE connections to one server and checks every tick: per connection, `seq` must rise by one each time from 0
 * (no gap, no duplicate, no reordering). Parses with eventsource-parser. Records publish→receive latency when ticks carry
 * `sentAt`. A child process; see protocol.ts.
 */
import { Agent, get } from 'node:http';
import { createParser } from 'eventsource-parser';
import { now, type Request, STREAM_PATH, serveRequests, type Tick, type Verdict } from './protocol.ts';

interface Connection {
  next: number;
  anomalies: number;
  received: number;
}

const connections: Connection[] = [];
const latencies: number[] = [];
const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
let waiters: (() => void)[] = [];

function open(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const connection: Connection = { next: -1, anomalies: 0, received: 0 };
    const parser = createParser({
      onEvent: (event) => {
        if (event.event !== 'tick') return;
        const tick = JSON.parse(event.data) as Tick;
        if (tick.sentAt > 0) latencies.push(now() - tick.sentAt);
        connection.received++;
        // The first tick a connection sees sets its start; from then on every seq must follow.
        if (connection.next !== -1 && tick.seq !== connection.next) connection.anomalies++;
        connection.next = tick.seq + 1;
        if (waiters.length) {
          const pending = waiters;
          waiters = [];
          for (const wake of pending) wake();
        }
      },
    });
    const req = get(
      { host: '127.0.0.1', port, path: STREAM_PATH, agent, headers: { accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`status ${res.statusCode}`));
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => parser.feed(chunk));
        connections.push(connection);
        resolve();
      },
    );
    req.on('error', reject);
  });
}

function verdict(seq: number): Verdict {
  let complete = 0;
  let anomalies = 0;
  let received = 0;
  for (const c of connections) {
    if (c.next === seq + 1 && c.anomalies === 0 && c.received === seq + 1) complete++;
    anomalies += c.anomalies;
    received += c.received;
  }
  return { connections: connections.length, complete, anomalies, received };
}

serveRequests(async (request: Request) => {
  switch (request.cmd) {
    case 'open': {
      for (let i = 0; i < request.count; i += 100) {
        await Promise.all(Array.from({ length: Math.min(100, request.count - i) }, () => open(request.port)));
      }
      return connections.length;
    }
    case 'await': {
      const deadline = Date.now() + request.timeoutMs;
      while (!connections.every((c) => c.next >= request.seq + 1) && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 50);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return verdict(request.seq);
    }
    case 'latencies': {
      const out = latencies.splice(0);
      return out;
    }
    default:
      throw new Error(`client: unknown command ${request.cmd}`);
  }
});
process.send?.({ id: 0, ok: true, value: { ready: true } });
