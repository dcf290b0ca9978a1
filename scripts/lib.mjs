// Helpers shared by the project scripts. Node built-ins only: these run before `npm ci`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs a command in the repo root, inheriting stdio; exits this process if it fails. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`\n✗ ${[cmd, ...args].join(' ')} failed (${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
  return r;
}

export function step(title) {
  console.log(`\n▶ ${title}`);
}

/** Installs npm dependencies if this checkout has none yet. */
export function ensureDependencies() {
  if (existsSync(join(ROOT, 'node_modules', '.package-lock.json'))) return;
  step('Installing dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

/** Fails early, with the fix, if a program we need is missing. */
export function requireTools(tools) {
  const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (missing.length) {
    console.error(
      `✗ missing: ${missing.join(', ')}. On Debian: sudo apt-get install --no-install-recommends janus janus-tools ffmpeg chromium iproute2`,
    );
    process.exit(69);
  }
}
