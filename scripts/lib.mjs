// Helpers shared by the project scripts. Node built-ins only: these run before `npm ci`.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/**
 * Runs commands side by side, each writing to its own log so their output does not interleave,
 * then prints each log whole with how long it took. Resolves with the titles of those that failed.
 */
export async function runConcurrently(jobs) {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-tiers-'));
  try {
    const results = await Promise.all(
      jobs.map((j, i) => {
        const log = join(dir, `${i}.log`);
        const fd = openSync(log, 'w');
        const started = Date.now();
        const child = spawn(j.cmd, j.args, {
          cwd: ROOT,
          env: j.env ?? process.env,
          stdio: ['ignore', fd, fd],
        });
        return new Promise((resolve) => {
          child.on('close', (code, signal) => {
            closeSync(fd);
            resolve({ j, log, code: code ?? signal, seconds: Math.round((Date.now() - started) / 1000) });
          });
        });
      }),
    );
    // Those that failed are printed last, and their failure lines once more at the very end:
    // a CI page often keeps only the tail of the log, and the tail must say what failed.
    const failed = results.filter((r) => r.code !== 0);
    for (const r of [...results.filter((r) => r.code === 0), ...failed]) {
      console.log(`\n── ${r.j.title}: ${r.seconds} s, exit ${r.code} ──`);
      process.stdout.write(readFileSync(r.log, 'utf8'));
    }
    for (const r of failed) {
      console.log(`\n── what failed in ${r.j.title} ──`);
      process.stdout.write(`${failureLines(readFileSync(r.log, 'utf8')).join('\n')}\n`);
    }
    return failed.map((r) => r.j.title);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What a test runner's log says failed, colour codes removed, at most 80 lines: Vitest's closing
 * report from its "Failed Tests" or "Unhandled Errors" heading on (names, assertions, code
 * frames, counts), or else every line that marks a failure and the lines after an error.
 */
export function failureLines(log) {
  const lines = log.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '').split('\n');
  const report = lines.findIndex((l) => /⎯ (Failed Tests|Unhandled Errors?) /.test(l));
  if (report >= 0) return lines.slice(report, report + 80);
  const out = [];
  lines.forEach((line, i) => {
    if (/^\s*✓/.test(line)) return;
    if (/^\s*(FAIL|×|✘|\d+\) )|Error:|Unhandled|Test Files|Tests\s+\d/.test(line))
      out.push(...lines.slice(i, i + (/Error/.test(line) ? 4 : 1)));
  });
  return out.slice(0, 80);
}
