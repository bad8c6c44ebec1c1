// `npm start`: serves the app on PORT (default 8080) and HOST (default 127.0.0.1) until Ctrl+C.
import { start } from './app.js';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const app = await start({ port, host });

console.log(`{{name}} listening on ${app.url}`);
console.log(`  curl -N "${app.url}/ticker/ACME?count=5"`);
console.log('  npm run client ACME 5');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
