/**
 * Attribution helper: idle memory per connection of raw node:http, the ssekit core alone (a typed route holding the
 * session) and the broadcast hub, one trial each, to see where per-connection bytes go.
 *
 *   npx tsx --conditions=@ssekit/source bench/broadcast/attribute.ts [connections]
 */

import type { Impl } from './protocol.ts';
import { bundleChildren, memoryTrial } from './run.ts';

const connections = Number(process.argv[2] ?? 2000);
await bundleChildren();
for (const impl of ['raw', 'ssekit-core', 'ssekit'] as Impl[]) {
  const { rss, heap } = await memoryTrial(impl, connections);
  console.log(
    `${impl.padEnd(12)} ${(rss / 1024).toFixed(2).padStart(7)} KiB RSS ${(heap / 1024).toFixed(2).padStart(7)} KiB heap per connection`,
  );
}
process.exit(0);
