// `npm run client [SYMBOL] [COUNT]`: streams prices from a running server (`npm start`) with the generated client.
import { createClient } from './generated/client.js';

const baseUrl = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const symbol = process.argv[2] ?? 'ACME';
const count = Number(process.argv[3] ?? 5);

// The ticker ends its stream after `count` prices, so this client does not reconnect (SSE clients do by default).
const client = createClient({ baseUrl, reconnect: false });

try {
  for await (const event of client.ticker.stream({ params: { symbol }, query: { count } })) {
    // `event` is a union discriminated by its name; `event.data` is typed and validated.
    if (event.event === 'error') {
      console.error(`the server failed: ${event.data.code}: ${event.data.message}`);
      process.exitCode = 1;
      break;
    }
    console.log(`#${event.id} ${event.data.symbol} ${event.data.price.toFixed(2)}`);
  }
} catch (error) {
  // e.g. HTTP_STATUS for a 400 (try `npm run client ACME 0`), NETWORK when no server runs
  const { code, message } = error as { code?: string; message?: string };
  console.error(`${code ?? 'ERROR'}: ${message ?? String(error)}`);
  process.exitCode = 1;
}
