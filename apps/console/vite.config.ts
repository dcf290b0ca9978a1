import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const src = (pkg: string, file = 'index') =>
  fileURLToPath(new URL(`../../packages/${pkg}/src/${file}.ts`, import.meta.url));

// Served by the API server at / with assets under /assets/ (its static handler expects exactly that).
export default defineConfig({
  base: '/',
  plugins: [react()],
  resolve: {
    // Package sources, so neither a prior build nor a stale dist can change what the console runs.
    alias: [
      { find: /^@sightline\/protocol\/permissions$/, replacement: src('protocol', 'permissions') },
      { find: /^@sightline\/protocol\/close-codes$/, replacement: src('protocol', 'close-codes') },
      { find: /^@sightline\/protocol\/outcome-labels$/, replacement: src('protocol', 'outcome-labels') },
      { find: /^@sightline\/protocol$/, replacement: src('protocol') },
      { find: /^@sightline\/geo$/, replacement: src('geo') },
    ],
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2022',
    emptyOutDir: true,
    sourcemap: false,
    // The polyfill serves browsers without modulepreload; control-room Chrome and Edge have it.
    modulePreload: { polyfill: false },
  },
  server: {
    port: 5175,
    proxy: { '/api': 'http://localhost:8080', '/ws': { target: 'ws://localhost:8080', ws: true } },
  },
});
