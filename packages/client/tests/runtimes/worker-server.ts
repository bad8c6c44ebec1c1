/** The check server as a Worker (the "server" Worker the client Worker calls through a service binding). */
import { createSeedCheckServer, type SeedCheckServer } from './seed-server.ts';

let server: SeedCheckServer | undefined;

export default {
  fetch(request: Request): Promise<Response> {
    server ??= createSeedCheckServer();
    return server.fetch(request);
  },
};
