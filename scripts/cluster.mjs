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
// Its own process group: a terminal's Ctrl-C goes to every process of the foreground group, and
// would stop PostgreSQL and Redis under the still-running instances. Only this script hears it
// and asks the cluster to stop, which it does in order. The parent-death signal stops the
// cluster if this script is killed.
const child = spawn(
  'setpriv',
  [
    '--pdeathsig',
    'INT',
    '--',
    'scripts/netns-run.sh',
    'node',
    '--import',
    'tsx',
    'packages/testkit/src/cluster-main.ts',
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', detached: true },
);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill('SIGINT'));
child.on('exit', (code) => process.exit(code ?? 0));
