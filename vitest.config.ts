import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string, file = 'index') =>
  fileURLToPath(new URL(`./packages/${pkg}/src/${file}.ts`, import.meta.url));
const alias = [
  { find: /^@sightline\/protocol\/permissions$/, replacement: src('protocol', 'permissions') },
  { find: /^@sightline\/protocol\/close-codes$/, replacement: src('protocol', 'close-codes') },
  { find: /^@sightline\/protocol\/outcome-labels$/, replacement: src('protocol', 'outcome-labels') },
  { find: /^@sightline\/protocol\/consent-words$/, replacement: src('protocol', 'consent-words') },
  { find: /^@sightline\/protocol$/, replacement: src('protocol') },
  { find: /^@sightline\/geo$/, replacement: src('geo') },
];

// Two tiers, named by suffix: *.test.ts (unit, beside the code, no external processes) and
// *.int.test.ts (integration: real Janus, SQLite and ffmpeg; must run inside scripts/netns-run.sh).
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'bench/src/**/*.test.ts',
            'examples/*/src/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          // One module graph for all unit files: measured 38 s instead of 85 s for the tier, and
          // the tier passed in two shuffled orders (`--sequence.shuffle`), so no file leans on
          // another's module state. A test that needs a clean module uses vi.resetModules().
          isolate: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['apps/*/test/**/*.int.test.ts'],
          // SIGHTLINE_TEST_DB=postgres: one throwaway PostgreSQL cluster for the run (else SQLite).
          globalSetup: ['apps/server/test/postgres.global.ts'],
          testTimeout: 90_000,
          hookTimeout: 90_000,
          // Each file starts its own Janus; on 2 cores one at a time is faster and less flaky.
          fileParallelism: false,
          // One module graph for the pass, as in the unit tier: the SQLite pass took 486 s instead
          // of 592 s (module loading 7 s instead of 97 s), with every file passing. Each file
          // starts its own server from a fresh container, so no file leans on another's state.
          isolate: false,
        },
      },
    ],
  },
});
