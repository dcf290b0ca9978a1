#!/usr/bin/env node
// `npm run cluster`: build, then start the several-instance topology inside a private network
// namespace (packages/testkit/src/cluster.ts, the same one the cluster tests use). Ctrl-C stops
// every program in order and removes its temporary folder (`-- --keep-data` keeps it).
import { spawn } from 'node:child_process';
import { ensureDependencies, requireTools, run, step } from './lib.mjs';

ensureDependencies();
requireTools(['janus', 'janus-pp-rec', 'ffmpeg', 'haproxy', 'ip', 'unshare', 'setpriv']);
step('Build');
run('npm', ['run', 'build', '--silent']);

step('Cluster');
const child = spawn(
  'scripts/netns-run.sh',
  ['node', '--import', 'tsx', 'packages/testkit/src/cluster-main.ts', ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
// The terminal's Ctrl-C reaches the cluster process too; it stops everything and exits, and so do we.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
