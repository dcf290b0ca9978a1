import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The page is served at /j/<token> (the interpreter's at /i/<token>); assets live under /c/ so relative paths never matter.
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
    // The interpreter's page (/i/<token>) is a second entry: it shares code, in its own small chunk.
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        interpreter: fileURLToPath(new URL('interpreter.html', import.meta.url)),
      },
    },
  },
  server: { port: 5174 },
});
