// Runs in Chromium, bundled by esbuild with the generated clients: subscribes to /json and records what arrives.
import { createClient as createStandaloneClient } from '../__generated__/standalone/client.ts';
import { createClient as createZodClient } from '../__generated__/zod/client.ts';

export interface PageLog {
  events: { event: string; id: string | undefined; data: unknown }[];
  errors: { code: string; message: string }[];
  opens: number;
}

const log: PageLog = { events: [], errors: [], opens: 0 };
Object.assign(globalThis, { ssekitLog: log });

const mode = new URLSearchParams(location.search).get('mode');
const createClient = mode === 'zod' ? createZodClient : createStandaloneClient;
const client = createClient({ baseUrl: location.origin, reconnect: { initialDelayMs: 50, maxDelayMs: 250 } });
client.json.subscribe({
  customer(customer, event) {
    log.events.push({
      event: event.event,
      id: event.id,
      data: { ...customer, fullName: `${customer.firstName} ${customer.lastName}` },
    });
  },
  product(product, event) {
    log.events.push({
      event: event.event,
      id: event.id,
      data: { ...product, total: product.prices.reduce((a, b) => a + b, 0) },
    });
  },
  onError(error) {
    log.errors.push({ code: error.code, message: error.message });
  },
  onOpen() {
    log.opens += 1;
  },
});
