/** Messages between the runner and its server/client children (IPC). Every request carries an id; replies echo it. */
export type Command =
  | { id: number; type: 'sessions' }
  | { id: number; type: 'start' }
  | { id: number; type: 'burst'; burst: number }
  | { id: number; type: 'stop' }
  | { id: number; type: 'connect' }
  | { id: number; type: 'await-burst'; burst: number }
  | { id: number; type: 'verify' }
  | { id: number; type: 'exit' };

/** A command as the runner writes it; the id is added when it is sent. */
export type CommandBody = Command extends infer C ? (C extends Command ? Omit<C, 'id'> : never) : never;

export interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** Events per connection in one burst. */
export const BURST_EVENTS = 10;

/** Every child exits on its own after this long, whatever the runner does. */
export const CHILD_LIFETIME_MS = 60_000;

/** The frame of event `seq`: the same bytes for every adapter (an id, and a JSON payload of ~100 bytes). */
export function frame(seq: number): string {
  return `id: ${seq}\ndata: {"seq":${seq},"text":"${'x'.repeat(80)}"}\n\n`;
}

/** Exits the process after `CHILD_LIFETIME_MS`, even if its event loop is busy with sockets. */
export function selfDestruct(label: string): void {
  setTimeout(() => {
    console.error(`[bench/adapters] ${label}: lifetime of ${CHILD_LIFETIME_MS / 1000} s reached, exiting`);
    process.exit(3);
  }, CHILD_LIFETIME_MS).unref();
  // The runner going away (crash, Ctrl-C) ends the child too.
  process.on('disconnect', () => process.exit(0));
}

/** Answers IPC commands with `handle`, replying with its result or its error. */
export function serveCommands(handle: (command: Command) => unknown): void {
  process.on('message', (raw) => {
    const command = raw as Command;
    Promise.resolve()
      .then(() => handle(command))
      .then(
        (result) => process.send?.({ id: command.id, ok: true, result } satisfies Reply),
        (error: unknown) =>
          process.send?.({ id: command.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
  });
}
