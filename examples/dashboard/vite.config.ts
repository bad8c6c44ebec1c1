import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// The page: React, the generated client and @ssekit/react. In the monorepo the workspace packages resolve to their
// TypeScript sources (the `@ssekit/source` condition); an app installed from npm needs no such line.
export default defineConfig({
  root: new URL('./src/page', import.meta.url).pathname,
  plugins: [react()],
  resolve: { conditions: ['@ssekit/source', ...defaultClientConditions] },
  build: { outDir: new URL('./dist', import.meta.url).pathname, emptyOutDir: true },
});
