import { buildPage, startDashboard } from './app.ts';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const assets = await buildPage();
const app = await startDashboard({ assets, port, host });
console.log(`ssekit dashboard listening on ${app.url}`);
console.log(`  open ${app.url}/ in two tabs: they share one stream  ·  curl -N ${app.url}/metrics`);

const shutdown = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
