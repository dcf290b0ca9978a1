#!/usr/bin/env node
// `npm test`: every test the project has. Builds, checks types and lint, then runs unit,
// integration (real Janus and ffmpeg, on SQLite and on PostgreSQL), end-to-end (real Chromium)
// and cluster (the several-instance topology, broken on purpose) tests inside a private network
// namespace, so media never touches the machine's real interfaces.
import { ensureDependencies, requireTools, run, runConcurrently, step } from './lib.mjs';

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

const ns = 'scripts/netns-run.sh';
/** One labelled step whose time is printed, so the log shows what each tier costs. */
const timed = async (title, body) => {
  step(title);
  const started = Date.now();
  await body();
  console.log(`  ${title}: ${Math.round((Date.now() - started) / 1000)} s`);
};
await timed('Build', () => run('npm', ['run', 'build', '--silent']));
if (!only) {
  // Two lines of checks side by side (tsc is single-threaded; CI has 2 cores).
  const line = (commands) => ({ cmd: 'bash', args: ['-c', commands.join(' && ')] });
  await timed('Type check and lint', async () => {
    const failed = await runConcurrently([
      {
        title: 'types: server, console, caller page, e2e',
        ...line([
          'npx tsc -b',
          'npx tsc -p apps/console --noEmit',
          'npx tsc -p apps/join --noEmit',
          'npx tsc -p e2e --noEmit',
        ]),
      },
      {
        title: 'types: bench, tests, testkit; lint',
        ...line([
          'npx tsc -p bench --noEmit',
          'npx tsc -p apps/server/test',
          'npx tsc -p packages/testkit',
          'npx tsc -p examples/cad-client',
          'npx biome check .',
        ]),
      },
    ]);
    if (failed.length) {
      console.error(`\n✗ failed: ${failed.join(', ')}`);
      process.exit(1);
    }
  });
}
if (!only || only === 'unit')
  await timed('Vitest unit', () => run(ns, ['npx', 'vitest', 'run', '--project', 'unit']));
if (!only || only === 'integration') {
  // The integration tier runs on each database: SQLite (the default deployment) and a throwaway
  // PostgreSQL cluster that the tier starts itself (apps/server/test/postgres.global.ts). Each
  // pass runs one file at a time and mostly waits on Janus, ffmpeg and timers (about 0.9 of a
  // core), so the two passes run side by side, each in its own network namespace (when npm test
  // is started outside one, as it normally is; inside one, they share it).
  // Left out of the PostgreSQL pass: files whose outcome cannot depend on the database (no
  // database at all, or the CLI, which opens SQLite data directories), run once on SQLite.
  // The Janus soak runs alone afterwards: it measures Janus under churn and must not share
  // the cores with another pass.
  const soak = 'apps/server/test/janus-soak.int.test.ts';
  const cliFile = 'apps/server/test/cli.int.test.ts';
  const dbAgnostic = [
    cliFile,
    'apps/server/test/cli-accounts.int.test.ts',
    'apps/server/test/evidence-store-contract.int.test.ts',
    'apps/server/test/s3-requests.int.test.ts',
    'apps/server/test/load-balancer.int.test.ts',
    'apps/server/test/fuzz.int.test.ts',
    // The built server as `npm start` runs it, on its own SQLite: it checks how the SMS clients load.
    'apps/server/test/sms-built-server.int.test.ts',
  ];
  await timed('Vitest integration on SQLite and on PostgreSQL, side by side', async () => {
    const failed = await runConcurrently(
      [
        // The CLI file (70 s) runs in the PostgreSQL pass's process to even the two out; it still
        // runs on SQLite there (the CLI opens its own data directories; the cluster is only provided).
        { title: 'integration on SQLite', db: 'sqlite', excluded: [soak, cliFile] },
        {
          title: 'integration on PostgreSQL',
          db: 'postgres',
          excluded: [soak, ...dbAgnostic.filter((f) => f !== cliFile)],
        },
      ].map(({ title, db, excluded }) => ({
        title,
        cmd: ns,
        args: [
          'npx',
          'vitest',
          'run',
          '--project',
          'integration',
          ...excluded.flatMap((f) => ['--exclude', f]),
        ],
        env: { ...process.env, SIGHTLINE_TEST_DB: db },
      })),
    );
    if (failed.length) {
      console.error(`\n✗ failed: ${failed.join(', ')}`);
      process.exit(1);
    }
  });
  await timed('Vitest integration: the Janus soak, alone', () =>
    run(ns, ['npx', 'vitest', 'run', '--project', 'integration', soak], {
      env: { ...process.env, SIGHTLINE_TEST_DB: 'sqlite' },
    }),
  );
}
if (!only || only === 'e2e') {
  // Two phases (projects in e2e/playwright.config.ts), each one spec at a time: most specs, then
  // the few that judge moving video or reshape the phone's network. Extra arguments
  // (a spec file, --grep) go to both; a phase they select nothing from passes.
  const extra = process.argv.slice(3);
  const e2e = (project) => () =>
    run(
      ns,
      [
        'npx',
        'playwright',
        'test',
        '-c',
        'e2e/playwright.config.ts',
        '--project',
        project,
        ...(extra.length ? ['--pass-with-no-tests'] : []),
        ...extra,
      ],
      { env: { ...process.env, SIGHTLINE_E2E_PHASE: project } },
    );
  await timed('Playwright end-to-end (Chromium)', e2e('main'));
  await timed(
    'Playwright end-to-end (Chromium), the media-timing, phone-network and axe specs',
    e2e('alone'),
  );
}
if (!only || only === 'cluster')
  // Its own config: each spec starts HAProxy, 2 instances, 2 media nodes, PostgreSQL, Redis, s3rver.
  await timed('Playwright cluster (Chromium, several instances)', () =>
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
