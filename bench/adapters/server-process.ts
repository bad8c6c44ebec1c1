/**
 * A benchmark server: one adapter (argv[2]) serving `/stream`, whose sessions stay open until the runner ends them.
 * On `burst`, writes BURST_EVENTS pre-encoded frames to every session (encode once, as a broadcast does), so what
 * differs between adapters is only the adapter. Reports its own CPU time between `start` and `stop`.
 */
import { createRouter } from '@ssekit/server';
import { BURST_EVENTS, type Command, frame, selfDestruct, serveCommands } from './protocol.ts';
import { ADAPTERS } from './servers.ts';

const name = process.argv[2] ?? '';
const mount = ADAPTERS[name];
if (!mount) throw new Error(`unknown adapter ${name}`);
selfDestruct(`server ${name}`);

/** What a session offers beyond the public RawSession: the pre-encoded write the broadcast hub uses. */
interface EncodedWriter {
  writeEncoded(frame: string): Promise<void>;
  readonly closed: boolean;
}

const sessions = new Set<EncodedWriter>();
const router = createRouter({ heartbeat: false });
router.sse('/stream', (session) => {
  const writer = session as unknown as EncodedWriter;
  sessions.add(writer);
  return session.done.then(() => sessions.delete(writer));
});
const server = await mount(router);
let cpuStart: NodeJS.CpuUsage | undefined;

serveCommands((command: Command) => {
  switch (command.type) {
    case 'sessions':
      return sessions.size;
    case 'start':
      cpuStart = process.cpuUsage();
      return null;
    case 'burst': {
      const first = command.burst * BURST_EVENTS;
      for (let k = 0; k < BURST_EVENTS; k++) {
        const bytes = frame(first + k);
        for (const session of sessions) if (!session.closed) void session.writeEncoded(bytes);
      }
      return null;
    }
    case 'stop': {
      const used = process.cpuUsage(cpuStart);
      return used.user + used.system;
    }
    case 'exit':
      void server.close().then(() => process.exit(0));
      setTimeout(() => process.exit(0), 2000).unref();
      return null;
    default:
      throw new Error(`server: unknown command ${(command as { type: string }).type}`);
  }
});
process.send?.({ id: 0, ok: true, result: { url: server.url } });
