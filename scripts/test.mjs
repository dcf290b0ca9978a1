#!/usr/bin/env node
// `npm test`: every test the project has. Builds, checks types and lint, then runs unit,
// integration (real Janus, SQLite, ffmpeg) and end-to-end (real Chromium) tests inside a
// private network namespace, so media never touches the machine's real interfaces.
import { ensureDependencies, requireTools, run, step } from './lib.mjs';

const only = process.argv[2]; // optional: unit | integration | e2e
ensureDependencies();
requireTools([
  'janus',
  'janus-pp-rec',
  'ffmpeg',
  'ffprobe',
  'ip',
  'unshare',
  ...(only && only !== 'e2e' ? [] : ['chromium']),
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
if (!only || only === 'unit' || only === 'integration') {
  step(`Vitest: ${only ?? 'unit and integration'}`);
  run(ns, ['npx', 'vitest', 'run', ...(only ? ['--project', only] : [])]);
}
if (!only || only === 'e2e') {
  step('Playwright end-to-end (Chromium)');
  run(ns, ['npx', 'playwright', 'test', '-c', 'e2e/playwright.config.ts', ...process.argv.slice(3)]);
}
console.log('\n✓ all tests passed');
