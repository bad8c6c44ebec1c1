import { startChat } from './app.ts';
import { createChatStore } from './store.ts';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const redisUrl = process.env.REDIS_URL || undefined;
const store = await createChatStore(redisUrl, process.env.REDIS_PREFIX ?? 'ssekit-chat');
const app = await startChat({ store, port, host });
console.log(`ssekit chat listening on ${app.url} (${redisUrl ? `Redis store at ${redisUrl}` : 'in-memory store'})`);
console.log(`  open ${app.url}/  ·  curl -N ${app.url}/rooms/lobby/events`);
console.log(
  `  curl -X POST -H 'content-type: application/json' -d '{"user":"ada","text":"hi"}' ${app.url}/rooms/lobby/messages`,
);

const shutdown = async () => {
  await app.close();
  await store.close();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
