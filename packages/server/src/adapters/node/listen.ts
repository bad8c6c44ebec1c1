import type { AddressInfo, Server } from 'node:net';

/**
 * Listens on `host:port` (0 picks a free port) and resolves with the bound port and the base URL's host part
 * (`[::1]` for IPv6). Shared by `serve` and `serveHttp2`.
 */
export async function listenOn(
  server: Server,
  port: number | undefined,
  host: string | undefined,
): Promise<{ port: number; host: string }> {
  const address = host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port ?? 0, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    host: address.includes(':') ? `[${address}]` : address,
  };
}
