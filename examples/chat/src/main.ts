import { startChat } from './app.ts';
import { createStoreFromEnv } from './store-from-env.ts';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const { store, description } = await createStoreFromEnv(process.env);
const app = await startChat({ store, port, host });
console.log(`ssekit chat listening on ${app.url} (${description})`);
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
