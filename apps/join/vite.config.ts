import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The page is served at /j/<token>; its assets live under /c/ so relative paths never matter.
export default defineConfig({
  base: '/',
  resolve: {
    alias: [
      {
        find: /^@sightline\/protocol\/consent-words$/,
        replacement: fileURLToPath(new URL('../../packages/protocol/src/consent-words.ts', import.meta.url)),
      },
      {
        find: /^@sightline\/protocol$/,
        replacement: fileURLToPath(new URL('../../packages/protocol/src/index.ts', import.meta.url)),
      },
    ],
  },
  build: {
    outDir: 'dist',
    assetsDir: 'c',
    target: ['es2020', 'safari14', 'chrome87'],
    emptyOutDir: true,
    sourcemap: false,
    modulePreload: { polyfill: false },
  },
  server: { port: 5174 },
});
