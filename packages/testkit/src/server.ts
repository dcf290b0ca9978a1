import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addUserByCli } from './cli-user.js';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const MAIN = join(ROOT, 'apps/server/dist/main.js');

export const PASSWORD = 'e2e-officer-password';

export interface Sightline {
  url: string;
  dataDir: string;
  process: ChildProcess;
  /** Last lines the server logged, for failure messages. */
  log: string[];
  /** Stops the server and deletes its data directory (unless `keepData`). */
  stop(opts?: { keepData?: boolean }): Promise<void>;
  /** Kills the server with SIGKILL, as a crash would; the data directory stays. */
  crash(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (a && typeof a === 'object' ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

const ACCOUNTS = [
  ['handler', ['call-handler']],
  ['supervisor', ['supervisor']],
  ['admin', ['admin']],
  // A second admin: new API clients and webhooks wait for one (docs/security.md).
  ['admin2', ['admin']],
  ['dpo', ['dpo']],
  ['field', ['field-officer']],
] as const;

/** A data directory holding just the accounts, made once per process and copied for each server. */
let accountsTemplate: string | null = null;

/**
 * One officer per role in a fresh data directory, made by the real CLI. Six CLI runs (each a
 * Node start and an argon2 hash) took about 5 s a server, so they run once per process into a
 * template that is copied; a server whose database or keys live elsewhere gets its own runs.
 */
function addAccounts(dataDir: string, env: NodeJS.ProcessEnv): void {
  const own = Boolean(env.SIGHTLINE_DATABASE_URL || env.SIGHTLINE_KEY_DIR);
  if (own || !accountsTemplate) {
    const into = own ? dataDir : mkdtempSync(join(tmpdir(), 'sightline-e2e-accounts-'));
    for (const [username, roles] of ACCOUNTS)
      addUserByCli(
        { ...env, SIGHTLINE_DATA_DIR: into },
        { username, roles, name: `E2E ${username}`, password: PASSWORD },
      );
    if (own) return;
    accountsTemplate = into;
    process.once('exit', () => rmSync(into, { recursive: true, force: true }));
  }
  cpSync(accountsTemplate, dataDir, { recursive: true });
}

/**
 * Starts the built server as a black box: its own data directory, its own
 * Janus, real SQLite. Creates one officer per role (username = role name).
 */
export async function startSightline(
  env: Record<string, string> = {},
  opts: { dataDir?: string } = {},
): Promise<Sightline> {
  if (process.env.SIGHTLINE_IN_NETNS !== '1')
    throw new Error('run end-to-end tests through `npm test` (network namespace)');
  // Reusing a data directory (a restart after a crash) keeps its accounts.
  const fresh = !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'sightline-e2e-'));
  // A caller may fix the port (an identity provider registered the redirect URI before the server started).
  const port = env.SIGHTLINE_PORT ? Number(env.SIGHTLINE_PORT) : await freePort();
  const fullEnv = {
    ...process.env,
    SIGHTLINE_DATA_DIR: dataDir,
    SIGHTLINE_PORT: String(port),
    SIGHTLINE_HOST: '127.0.0.1',
    SIGHTLINE_PUBLIC_URL: `http://127.0.0.1:${port}`,
    SIGHTLINE_JANUS_WS_PORT: '0',
    SIGHTLINE_LOG_LEVEL: 'info',
    // Tiles cannot load in the namespace; the map must work without them (and the test proves it).
    SIGHTLINE_MAP_TILE_URL: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    // e2e and bench text one number from one officer many times (invite limits are tested in integration).
    SIGHTLINE_INVITES_PER_NUMBER_HOUR: '10000',
    SIGHTLINE_INVITES_PER_OFFICER_MINUTE: '10000',
    SIGHTLINE_INVITES_PER_OFFICER_HOUR: '100000',
    ...env,
  };
  if (fresh) addAccounts(dataDir, fullEnv);
  const child = spawn('node', [MAIN], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  // The whole log goes to a file for post-mortems (kept with SIGHTLINE_KEEP_E2E_DATA=1).
  const logFile = createWriteStream(join(dataDir, 'server.log'), { flags: 'a' });
  const keep = (d: Buffer) => {
    logFile.write(d);
    for (const line of d.toString().split('\n')) if (line) log.push(line);
    if (log.length > 400) log.splice(0, log.length - 400);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${log.slice(-20).join('\n')}`);
    try {
      // Ready: database, evidence store and Janus all answer (GET /readyz).
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not become ready: ${log.slice(-20).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    dataDir,
    process: child,
    log,
    async stop(o = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!o.keepData && !process.env.SIGHTLINE_KEEP_E2E_DATA)
        rmSync(dataDir, { recursive: true, force: true });
    },
    async crash() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
