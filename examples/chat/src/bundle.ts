import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Builds the page's script (the generated typed client and the UI) into one ES module, in memory. */
export async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./page/main.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@ssekit/source'],
    minify: true,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output for the chat page');
  return file.text;
}
