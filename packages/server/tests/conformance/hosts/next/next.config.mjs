// The conformance fixture's Next.js host, built with Turbopack (Next.js's default). The fixture itself is bundled by
// esbuild beforehand (generated/host-app.mjs), since Turbopack cannot resolve the repository's TypeScript sources
// (their `.js` specifiers and the `@ssekit/source` condition); examples/next shows the webpack way instead.
/** @type {import('next').NextConfig} */
const config = {
  typescript: { ignoreBuildErrors: true },
};

export default config;
