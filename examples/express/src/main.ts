import { startExpressExample } from './app.ts';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const running = await startExpressExample({ port, host });
console.log(`ssekit express example listening on ${running.url}`);
console.log(`  curl -N ${running.url}/events`);
console.log(`  curl -N ${running.url}/json`);
console.log(`  curl -N "${running.url}/greetings/Ada?count=3"`);
console.log(`  curl -N ${running.url}/ktor/nested`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void running.close().then(() => process.exit(0));
  });
}
