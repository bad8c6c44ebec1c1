import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';

/** The settings of wrangler.json this runner reads (the ones workerd needs locally). */
interface WranglerConfig {
  main: string;
  compatibility_date: string;
  compatibility_flags?: string[];
  durable_objects?: { bindings: { name: string; class_name: string }[] };
}

/** A running example. */
export interface RunningWorkerExample {
  readonly url: string;
  /** Restarts workerd with the same Worker, as a redeploy would: every Durable Object starts afresh. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Bundles the Worker with esbuild and runs it locally in workerd through miniflare, with the compatibility date, flags
 * and Durable Object bindings of wrangler.json. Inside this repository the packages are bundled from their TypeScript
 * sources (the `@ssekit/source` condition). `port: 0` picks a free port.
 *
 * @example
 * ```ts
 * const { url, close } = await startWorkerExample({ port: 8080 });
 * ```
 */
export async function startWorkerExample(
  options: { port?: number; host?: string } = {},
): Promise<RunningWorkerExample> {
  const root = new URL('..', import.meta.url);
  const config = JSON.parse(readFileSync(new URL('wrangler.json', root), 'utf8')) as WranglerConfig;
  const result = await build({
    entryPoints: [fileURLToPath(new URL(config.main, root))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['@ssekit/source', 'workerd', 'worker', 'browser'],
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]?.text;
  if (script === undefined) throw new Error('esbuild produced no Worker bundle');
  const settings = {
    modules: true as const,
    script,
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags ?? [],
    durableObjects: Object.fromEntries(
      (config.durable_objects?.bindings ?? []).map((binding) => [binding.name, binding.class_name]),
    ),
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
  };
  const miniflare = new Miniflare(settings);
  const url = new URL((await miniflare.ready).origin);
  return {
    url: url.origin,
    // Same port on restart, so clients reconnect to the same URL.
    restart: async () => {
      await miniflare.setOptions({ ...settings, port: Number(url.port) });
    },
    close: () => miniflare.dispose(),
  };
}
