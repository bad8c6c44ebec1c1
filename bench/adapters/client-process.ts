/**
 * A benchmark client: argv[2] = base URL, argv[3] = connections (streams), argv[4] = `h1` | `h2`. Opens them all (at
 * most 100 at a time; over h2, 100 streams per session), parses each stream with eventsource-parser and checks that
 * every connection gets every event, in order, exactly once.
 */
import { type ClientRequest, request } from 'node:http';
import { type ClientHttp2Session, type ClientHttp2Stream, connect } from 'node:http2';
import { createParser } from 'eventsource-parser';
import { BURST_EVENTS, type Command, selfDestruct, serveCommands } from './protocol.ts';

const url = `${process.argv[2]}/stream`;
const connections = Number(process.argv[3]);
const h2 = process.argv[4] === 'h2';
const STREAMS_PER_SESSION = 100;
selfDestruct('client');

interface Connection {
  next: number;
  errors: number;
}
const state: Connection[] = [];
const requests: (ClientRequest | ClientHttp2Stream)[] = [];
const sessions: ClientHttp2Session[] = [];
let total = 0;
let problems = 0;
let burstWaiter: { target: number; resolve: () => void } | undefined;

function open(index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const conn: Connection = { next: 0, errors: 0 };
    state[index] = conn;
    const parser = createParser({
      onEvent: (event) => {
        if (event.id !== String(conn.next)) {
          conn.errors++;
          problems++;
        }
        conn.next++;
        total++;
        if (burstWaiter && total >= burstWaiter.target) {
          const waiter = burstWaiter;
          burstWaiter = undefined;
          waiter.resolve();
        }
      },
    });
    if (h2) {
      const session = sessionFor(index);
      const stream = session.request({ ':path': '/stream', accept: 'text/event-stream' });
      stream.once('response', (headers) => {
        if (headers[':status'] !== 200) {
          reject(new Error(`stream ${index}: HTTP ${headers[':status']}`));
          return;
        }
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => parser.feed(chunk));
        resolve();
      });
      stream.once('error', reject);
      stream.end();
      requests.push(stream);
      return;
    }
    const req = request(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`connection ${index}: HTTP ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
      resolve();
    });
    req.on('error', reject);
    req.end();
    requests.push(req);
  });
}

/** The h2 session of stream `index`: one session per STREAMS_PER_SESSION streams. */
function sessionFor(index: number): ClientHttp2Session {
  const n = Math.floor(index / STREAMS_PER_SESSION);
  let session = sessions[n];
  if (!session) {
    session = connect(process.argv[2] as string);
    session.on('error', () => {});
    sessions[n] = session;
  }
  return session;
}

serveCommands(async (command: Command) => {
  switch (command.type) {
    case 'connect': {
      for (let start = 0; start < connections; start += 100) {
        const batch = [];
        for (let i = start; i < Math.min(connections, start + 100); i++) batch.push(open(i));
        await Promise.all(batch);
      }
      return connections;
    }
    case 'await-burst': {
      const target = connections * BURST_EVENTS * (command.burst + 1);
      if (total < target) await new Promise<void>((resolve) => (burstWaiter = { target, resolve }));
      return total;
    }
    case 'verify': {
      const expected = total / connections;
      const short = state.filter((c) => c.next !== expected).length;
      return { connections: state.length, eventsPerConnection: expected, short, outOfOrder: problems };
    }
    case 'exit':
      for (const req of requests) req.destroy();
      for (const session of sessions) session.destroy();
      setImmediate(() => process.exit(0));
      return null;
    default:
      throw new Error(`client: unknown command ${(command as { type: string }).type}`);
  }
});
process.send?.({ id: 0, ok: true, result: {} });
