#!/usr/bin/env node
// `npm start`: install if needed, build, make sure an administrator exists, start the server.
// `npm start -- --isolated` runs it (and Janus) inside a private network namespace instead:
// use that on shared machines where media must not touch real interfaces.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDependencies, ROOT, requireTools, run, step } from './lib.mjs';

const isolated = process.argv.includes('--isolated');
process.env.SIGHTLINE_DATA_DIR ??= join(ROOT, 'data');
const port = process.env.SIGHTLINE_PORT ?? '8080';
const cli = join(ROOT, 'apps/server/bin/sightline.js');

ensureDependencies();
requireTools(['janus', 'janus-pp-rec', 'ffmpeg', ...(isolated ? ['ip', 'unshare'] : [])]);
step('Build');
run('npm', ['run', 'build', '--silent']);

step('Accounts');
// The CLI refuses to open a data directory with no database (so a command run from the wrong
// folder cannot create an empty one); a first run creates it explicitly with the first account.
const dbUrl =
  process.env.SIGHTLINE_DATABASE_URL ?? `sqlite:${join(process.env.SIGHTLINE_DATA_DIR, 'sightline.db')}`;
const fresh = dbUrl.startsWith('sqlite:') && !existsSync(dbUrl.slice('sqlite:'.length));
const list = fresh
  ? { status: 0, stdout: '' }
  : spawnSync('node', [cli, 'user', 'list'], { encoding: 'utf8' });
if (list.status !== 0) {
  console.error(list.stderr);
  process.exit(1);
}
let login = 'your existing account';
if (list.stdout.trim() === '') {
  // No TTY on stdin, so the CLI generates a strong password and prints it once.
  const add = spawnSync(
    'node',
    [
      cli,
      'user',
      'add',
      '--username',
      'admin',
      '--name',
      'Administrator',
      '--role',
      'admin',
      '--role',
      'supervisor',
      '--role',
      'call-handler',
      ...(fresh ? ['--create-database'] : []),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (add.status !== 0) process.exit(1);
  const password = /Password \(shown once\): (\S+)/.exec(add.stdout)?.[1];
  login = `admin / ${password}   (shown once: note it down)`;
} else {
  console.log('Officer accounts exist already; sign in with one of them.');
}

const scheme = process.env.SIGHTLINE_TLS_CERT ? 'https' : 'http';
console.log(`\n  Sightline console: ${process.env.SIGHTLINE_PUBLIC_URL ?? `${scheme}://localhost:${port}`}`);
console.log(`  Sign in:           ${login}`);
console.log(`  Data directory:    ${process.env.SIGHTLINE_DATA_DIR}`);
if (isolated)
  console.log(
    '  Isolated: the server runs in a private network namespace and is reachable only from inside it.',
  );
console.log('  Stop with Ctrl+C.\n');

const main = join(ROOT, 'apps/server/dist/main.js');
const child = isolated
  ? spawn(join(ROOT, 'scripts/netns-run.sh'), ['node', main], { stdio: 'inherit' })
  : spawn('node', [main], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
