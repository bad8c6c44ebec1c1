/**
 * A benchmark client: argv[2] = base URL, argv[3] = connections. Opens them all (at most 100 at a time), parses each
 * stream with eventsource-parser and checks that every connection gets every event, in order, exactly once.
 */
import { type ClientRequest, request } from 'node:http';
import { createParser } from 'eventsource-parser';
import { BURST_EVENTS, type Command, selfDestruct, serveCommands } from './protocol.ts';

const url = `${process.argv[2]}/stream`;
const connections = Number(process.argv[3]);
selfDestruct('client');

interface Connection {
  next: number;
  errors: number;
}
const state: Connection[] = [];
const requests: ClientRequest[] = [];
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
      setImmediate(() => process.exit(0));
      return null;
    default:
      throw new Error(`client: unknown command ${(command as { type: string }).type}`);
  }
});
process.send?.({ id: 0, ok: true, result: {} });
