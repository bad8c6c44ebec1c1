/**
 * The child side of the harness: answer the runner's commands over the IPC channel, and never outlive it.
 * Every child exits by itself after `maxLifetimeMs` (unref'd timer) or as soon as the runner disconnects.
 */

export type CommandHandler = (message: Record<string, unknown>) => unknown;

export interface ChildMessage {
  id: number;
  cmd: string;
  [key: string]: unknown;
}

/** Default bound on a child's life: the brief's "every process stops itself within 60 s". */
export const CHILD_LIFETIME_MS = 60_000;

/** Starts answering commands; `ready` is sent to the runner once. */
export function serveCommands(
  handlers: Record<string, CommandHandler>,
  ready: Record<string, unknown>,
  maxLifetimeMs = CHILD_LIFETIME_MS,
): void {
  if (!process.send) throw new Error('this script is a benchmark child: start it through bench/lib/proc.ts');
  const send = process.send.bind(process);
  setTimeout(() => {
    console.error(`[bench child ${process.pid}] lifetime of ${maxLifetimeMs} ms exceeded, exiting`);
    process.exit(3);
  }, maxLifetimeMs).unref();
  process.on('disconnect', () => process.exit(0));
  process.on('message', (raw) => {
    const message = raw as ChildMessage;
    if (message.cmd === 'exit') {
      process.exit(0);
    }
    const handler = handlers[message.cmd];
    if (!handler) {
      send({ id: message.id, ok: false, error: `unknown command ${message.cmd}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message))
      .then(
        (result) => send({ id: message.id, ok: true, result }),
        (error: unknown) =>
          send({
            id: message.id,
            ok: false,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      );
  });
  send({ id: 0, ok: true, result: ready });
}

/** Reads `--name value` from argv. */
export function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

/** Polls `condition` every `everyMs` until it holds or `timeoutMs` passes; resolves to whether it held. */
export async function waitFor(condition: () => boolean, timeoutMs: number, everyMs = 10): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return true;
}
