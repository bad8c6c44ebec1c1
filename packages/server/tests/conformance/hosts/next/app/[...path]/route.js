// The conformance fixture as a Next.js App Router route handler. The fixture is bundled by esbuild (from the
// repository's TypeScript sources) into generated/host-app.mjs before `next build`, which compiles this route with
// Turbopack, Next.js's default bundler.
import { createConformanceHost } from '../../generated/host-app.mjs';

const host = createConformanceHost();

// Never prerendered or cached: every request runs the handler.
export const dynamic = 'force-dynamic';
export const GET = host.fetch;
export const POST = host.fetch;
