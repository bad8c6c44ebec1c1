// One client floods the chat's in-memory store: `POSTS` messages of 2,000 characters over `ROOMS` rooms, 32 at a time,
// then prints the store's size and the heap (run with --expose-gc for comparable heap figures):
//   ROOMS=100 POSTS=24000 node --expose-gc --import tsx --conditions=@ssekit/source examples/chat/scripts/flood.ts
import { startChat } from '../src/app.ts';
import { CHAT_MEMORY_LIMITS, createChatMemoryStore } from '../src/store.ts';

const rooms = Number(process.env.ROOMS ?? 100);
const posts = Number(process.env.POSTS ?? 24_000);
const store = createChatMemoryStore();
const app = await startChat({ store, secret: 'flood' });
const signIn = await fetch(`${app.url}/session`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'flood' }),
});
const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const body = JSON.stringify({ text: 'x'.repeat(2000) });
const started = Date.now();
let next = 0;
await Promise.all(
  Array.from({ length: 32 }, async () => {
    for (let i = next++; i < posts; i = next++) {
      const response = await fetch(`${app.url}/rooms/flood-${i % rooms}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body,
      });
      if (response.status !== 201) throw new Error(`POST answered ${response.status}`);
      await response.arrayBuffer();
    }
  }),
);
gc?.();
const heapAfter = process.memoryUsage().heapUsed;
console.log(
  JSON.stringify({
    rooms,
    posts,
    seconds: (Date.now() - started) / 1000,
    roomsKept: store.topicCount,
    storeBytes: store.totalBytes,
    storeBound: CHAT_MEMORY_LIMITS.maxTotalBytes,
    heapBeforeMB: Math.round(heapBefore / 1e5) / 10,
    heapAfterMB: Math.round(heapAfter / 1e5) / 10,
  }),
);
await app.close();
await store.close();
