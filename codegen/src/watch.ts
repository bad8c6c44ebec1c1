import { type FSWatcher, watch as fsWatch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { type GenerateOptions, type GenerateResult, generate } from './generate.js';

/** Callbacks of {@link watch}. */
export interface WatchHooks {
  /** After each successful generation (the first one included). */
  onResult?(result: GenerateResult): void;
  /** When a generation fails (bad contract, syntax error...); watching goes on. */
  onError?(error: unknown): void;
  /** Wait this long (ms) after the last change before regenerating. Default 100. */
  debounceMs?: number;
}

/** A running {@link watch}. */
export interface WatchHandle {
  /** Stops watching; resolves once a generation in progress has finished. */
  close(): Promise<void>;
  /** Resolves after the first generation (successful or not). */
  readonly ready: Promise<void>;
}

/**
 * Generates, then regenerates whenever a file the contracts module (or the config) imports changes. It watches the
 * folders of exactly those files, as reported while importing, so edits to a shared schema file are picked up too.
 *
 * @example
 * ```ts
 * const handle = watch({ cwd: 'contracts' }, { onResult: (r) => console.log(r.files.length) });
 * process.on('SIGINT', () => handle.close());
 * ```
 */
export function watch(options: GenerateOptions, hooks: WatchHooks = {}): WatchHandle {
  const debounceMs = hooks.debounceMs ?? 100;
  const cwd = resolve(options.cwd ?? process.cwd());
  let watchers: FSWatcher[] = [];
  let watched = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;
  let rerun = false;
  let busy = false;

  const rewatch = (files: readonly string[]) => {
    const next = new Set(files);
    if (next.size === watched.size && [...next].every((f) => watched.has(f))) return;
    for (const w of watchers) w.close();
    watched = next;
    const byDir = new Map<string, Set<string>>();
    for (const file of next) {
      const dir = dirname(file);
      if (!byDir.has(dir)) byDir.set(dir, new Set());
      byDir.get(dir)!.add(basename(file));
    }
    // Folders, not files: editors that save by rename would otherwise detach a file watcher.
    watchers = [];
    for (const [dir, names] of byDir) {
      try {
        watchers.push(
          fsWatch(dir, (_event, filename) => {
            if (filename === null || names.has(basename(filename.toString()))) schedule();
          }),
        );
      } catch (error) {
        // A folder that does not exist (yet): nothing to watch there; the error says why generation failed.
        hooks.onError?.(error);
      }
    }
  };

  const run = async () => {
    if (busy) {
      rerun = true;
      return;
    }
    busy = true;
    try {
      do {
        rerun = false;
        try {
          const result = await generate(options);
          if (!closed) {
            rewatch(result.inputs);
            hooks.onResult?.(result);
          }
        } catch (error) {
          if (!closed) {
            if (watched.size === 0 && typeof options.contracts === 'string') rewatch([resolve(cwd, options.contracts)]);
            hooks.onError?.(error);
          }
        }
      } while (rerun && !closed);
    } finally {
      busy = false;
    }
  };

  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      running = run();
    }, debounceMs);
  };

  running = run();
  const ready = running;
  return {
    ready,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
      watchers = [];
      await running;
    },
  };
}
