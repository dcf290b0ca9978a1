#!/usr/bin/env node
// `npm run bench [-- <name>...]`: builds, then runs the benchmarks inside the private network
// namespace. Each writes bench/results/<name>.json; all together write bench/results/summary.md.
import { ensureDependencies, requireTools, run, step } from './lib.mjs';

ensureDependencies();
requireTools(['janus', 'janus-pp-rec', 'ffmpeg', 'ffprobe', 'chromium', 'ip', 'unshare']);
step('Build');
run('npm', ['run', 'build', '--silent']);
step('Benchmarks');
run('scripts/netns-run.sh', ['npx', 'tsx', 'bench/src/run.ts', ...process.argv.slice(2)]);
