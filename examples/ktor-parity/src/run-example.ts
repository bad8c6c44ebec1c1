/**
 * The `main` every example of the seed routes shares: start on `PORT` (default 8080) and `HOST`, print the URL and a
 * curl line per route, close gracefully on SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * await runExample('hono', startHonoExample);
 * ```
 */
export async function runExample(
  name: string,
  start: (options: { port: number; host: string }) => Promise<{ url: string; close(): Promise<void> }>,
): Promise<void> {
  const port = Number(process.env.PORT ?? 8080);
  const host = process.env.HOST ?? '127.0.0.1';
  const running = await start({ port, host });
  console.log(`ssekit ${name} example listening on ${running.url}`);
  console.log(`  curl -N ${running.url}/events`);
  console.log(`  curl -N ${running.url}/json`);
  console.log(`  curl -N "${running.url}/greetings/Ada?count=3"`);
  console.log(`  curl -N ${running.url}/ktor/nested`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void running.close().then(() => process.exit(0));
    });
  }
}
