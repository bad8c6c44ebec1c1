import { startChat } from './app.ts';
import { createStoreFromEnv } from './store-from-env.ts';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const { store, description } = await createStoreFromEnv(process.env);
// Public origins the pages are served from behind a proxy, comma-separated (the server's own origin is always allowed).
const allowedOrigins = (process.env.CHAT_ALLOWED_ORIGINS ?? '').split(',').filter(Boolean);
const app = await startChat({ store, port, host, allowedOrigins });
console.log(`ssekit chat listening on ${app.url} (${description})`);
console.log(`  open ${app.url}/  ·  curl -N ${app.url}/rooms/lobby/events`);
console.log(`  curl -c jar -H 'content-type: application/json' -d '{"name":"ada"}' ${app.url}/session`);
console.log(`  curl -b jar -H 'content-type: application/json' -d '{"text":"hi"}' ${app.url}/rooms/lobby/messages`);

// Graceful: new streams get 503, open ones a `retry:` hint spread over 5 s, so clients resume elsewhere, not all at once.
const shutdown = async () => {
  await app.close({ reconnectWindowMs: 5_000, drainMs: 10_000 });
  await store.close();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
