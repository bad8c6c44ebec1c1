// The conformance fixture's Next.js host, built with webpack (`next build --webpack`): inside this repository the
// packages are read from their TypeScript sources, through the `@ssekit/source` export condition and TypeScript's
// `.js` specifiers for `.ts` files, which webpack can be told about and Turbopack cannot.
/** @type {import('next').NextConfig} */
const config = {
  // The repository's own `tsc` type-checks these files; `next build` does not need to.
  typescript: { ignoreBuildErrors: true },
  webpack: (webpackConfig) => {
    webpackConfig.resolve.conditionNames = ['@ssekit/source', '...'];
    webpackConfig.resolve.extensionAlias = { '.js': ['.ts', '.js'] };
    return webpackConfig;
  },
};

export default config;
