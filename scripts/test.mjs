#!/usr/bin/env node
// `npm test`: every test the project has. Builds, checks types and lint, then runs unit,
// integration (real Janus and ffmpeg, on SQLite and on PostgreSQL), end-to-end (real Chromium)
// and cluster (the several-instance topology, broken on purpose) tests inside a private network
// namespace, so media never touches the machine's real interfaces.
import { ensureDependencies, requireTools, run, step } from './lib.mjs';

const only = process.argv[2]; // optional: unit | integration | e2e | cluster
ensureDependencies();
requireTools([
  'janus',
  'janus-pp-rec',
  'ffmpeg',
  'ffprobe',
  'ip',
  'unshare',
  ...(only && only !== 'e2e' && only !== 'cluster' ? [] : ['chromium']),
  ...(only && only !== 'cluster' ? [] : ['haproxy', 'redis-server', 'setpriv']),
]);

step('Build');
run('npm', ['run', 'build', '--silent']);
if (!only) {
  step('Type check and lint');
  run('npx', ['tsc', '-b']);
  run('npx', ['tsc', '-p', 'apps/console', '--noEmit']);
  run('npx', ['tsc', '-p', 'apps/join', '--noEmit']);
  run('npx', ['tsc', '-p', 'e2e', '--noEmit']);
  run('npx', ['tsc', '-p', 'bench', '--noEmit']);
  run('npx', ['tsc', '-p', 'apps/server/test']);
  run('npx', ['tsc', '-p', 'packages/testkit']);
  run('npx', ['biome', 'check', '.']);
}
const ns = 'scripts/netns-run.sh';
/** One labelled step whose time is printed, so the log shows what each tier costs. */
const timed = (title, body) => {
  step(title);
  const started = Date.now();
  body();
  console.log(`  ${title}: ${Math.round((Date.now() - started) / 1000)} s`);
};
if (!only || only === 'unit')
  timed('Vitest unit', () => run(ns, ['npx', 'vitest', 'run', '--project', 'unit']));
if (!only || only === 'integration') {
  // The integration tier runs on each database: SQLite (the default deployment), then a
  // throwaway PostgreSQL cluster that the tier starts itself (apps/server/test/postgres.global.ts).
  for (const [db, name] of [
    ['sqlite', 'SQLite'],
    ['postgres', 'PostgreSQL'],
  ])
    timed(`Vitest integration on ${name}`, () =>
      run(ns, ['npx', 'vitest', 'run', '--project', 'integration'], {
        env: { ...process.env, SIGHTLINE_TEST_DB: db },
      }),
    );
}
if (!only || only === 'e2e')
  timed('Playwright end-to-end (Chromium)', () =>
    run(ns, ['npx', 'playwright', 'test', '-c', 'e2e/playwright.config.ts', ...process.argv.slice(3)]),
  );
if (!only || only === 'cluster')
  // Its own config: each spec starts HAProxy, 2 instances, 2 media nodes, PostgreSQL, Redis, s3rver.
  timed('Playwright cluster (Chromium, several instances)', () =>
    run(ns, [
      'npx',
      'playwright',
      'test',
      '-c',
      'e2e/playwright.cluster.config.ts',
      ...process.argv.slice(3),
    ]),
  );
console.log('\n✓ all tests passed');
