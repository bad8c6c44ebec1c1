// Inside the ssekit repository the packages are read from their TypeScript sources: the `@ssekit/source` export
// condition, and TypeScript's `.js` specifiers for `.ts` files. webpack (`next build --webpack`) can be told about both;
// Turbopack cannot. An app that installs @ssekit/server from npm needs none of this (and builds with Turbopack).
/** @type {import('next').NextConfig} */
const config = {
  // The repository's own `tsc` type-checks these files.
  typescript: { ignoreBuildErrors: true },
  webpack: (webpackConfig) => {
    webpackConfig.resolve.conditionNames = ['@ssekit/source', '...'];
    webpackConfig.resolve.extensionAlias = { '.js': ['.ts', '.js'] };
    return webpackConfig;
  },
};

export default config;
