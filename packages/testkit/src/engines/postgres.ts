import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/**
 * A throwaway PostgreSQL cluster for tests and `npm run cluster`: Debian's `postgresql` binaries
 * (initdb, postgres) in a temp folder, on 127.0.0.1 and a free port plus a unix socket in that
 * folder, trust authentication for the superuser `sightline`, fsync off (nothing here must survive
 * a power cut). It stops with the process that started it (parent-death signal) and `stop()`
 * removes the folder.
 */
export interface PostgresEngine {
  host: '127.0.0.1';
  port: number;
  /** Folder holding the unix socket (`.s.PGSQL.<port>`) and the data directory. */
  dir: string;
  /** postgres://sightline@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  /** Runs one SQL statement as the superuser (psql), e.g. CREATE DATABASE; returns its output. */
  sql(statement: string, database?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): string;
  stop(): Promise<void>;
}

export const POSTGRES_USER = 'sightline';

/** The binaries of the newest PostgreSQL Debian installed (SIGHTLINE_PG_BIN_DIR overrides). */
export function postgresBinDir(): string {
  const fromEnv = process.env.SIGHTLINE_PG_BIN_DIR;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0])
    throw new Error(
      `no PostgreSQL under ${root}: install Debian's postgresql package (or set SIGHTLINE_PG_BIN_DIR)`,
    );
  return join(root, versions[0], 'bin');
}

/**
 * How to run PostgreSQL's programs, which refuse to run as root. As real root: as the `postgres`
 * system user (setpriv) with the folder handed to it. As root of a user namespace (a normal user
 * inside scripts/netns-run.sh) no other user exists, so a nested user namespace maps this user to
 * `postgres`' uid. As anyone else: directly.
 */
function identity(dir: string): string[] {
  if (process.geteuid?.() !== 0) return [];
  const user = systemUser('postgres') ?? systemUser('nobody');
  if (!user) throw new Error('PostgreSQL cannot run as root and there is no postgres (or nobody) user');
  try {
    chownSync(dir, user.uid, user.gid);
    return ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--'];
  } catch {
    return ['unshare', '--user', `--map-user=${user.uid}`, `--map-group=${user.gid}`, '--'];
  }
}

function systemUser(name: string): { uid: number; gid: number } | null {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f[2] && f[3]) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return null;
}

/** Starts a fresh cluster; rejects with PostgreSQL's own words when it cannot. */
export async function startPostgres(o: { binDir?: string } = {}): Promise<PostgresEngine> {
  const bin = o.binDir ?? postgresBinDir();
  const dir = await mkdtemp(join(tmpdir(), 'sightline-pg-'));
  const data = join(dir, 'data');
  try {
    const as = identity(dir);
    const run = (program: string, args: string[]) => {
      const [cmd, ...rest] = [...as, join(bin, program), ...args];
      return execFileSync(cmd!, rest, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    };
    // en-GB ordering (ICU), as a UK deployment would have it, rather than SQLite's byte order:
    // a query that only sorted right by accident shows here.
    run('initdb', [
      '-D',
      data,
      '-U',
      POSTGRES_USER,
      '--auth=trust',
      '--encoding=UTF8',
      '--locale-provider=icu',
      '--icu-locale=en-GB',
      '--locale=C.UTF-8',
      '--no-sync',
      '--no-instructions',
    ]);
    let last: Error | null = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      try {
        const child = await launch(as, bin, data, dir, port);
        return engine(child, bin, as, dir, port);
      } catch (err) {
        last = err as Error;
        if (!/could not bind|already in use/i.test(last.message)) break;
      }
    }
    throw last ?? new Error('PostgreSQL did not start');
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function launch(as: string[], bin: string, data: string, dir: string, port: number): Promise<ChildProcess> {
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '400',
    // Several test servers, each with a pool, and every test file makes its own database.
    shared_buffers: '64MB',
  };
  const args = [
    '-D',
    data,
    '-p',
    String(port),
    ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
  ];
  // The parent-death signal (fast shutdown) stops the cluster if the test process dies.
  const [cmd, ...rest] = [...as, 'setpriv', '--pdeathsig=INT', '--', join(bin, 'postgres'), ...args];
  const child = spawn(cmd!, rest, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`PostgreSQL did not become ready in 30 s:\n${log}`));
    }, 30_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      log += chunk;
      if (log.includes('ready to accept connections')) {
        clearTimeout(timer);
        child.stderr!.removeAllListeners('data');
        child.stderr!.resume();
        resolve(child);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL exited (${signal ?? code}) before it was ready:\n${log}`));
    });
  });
}

function engine(child: ChildProcess, bin: string, as: string[], dir: string, port: number): PostgresEngine {
  const url = (database = 'postgres') =>
    `postgres://${POSTGRES_USER}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const sql = (statement: string, database = 'postgres') => {
    const [cmd, ...rest] = [
      ...as,
      join(bin, 'psql'),
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-At',
      '-h',
      dir,
      '-p',
      String(port),
      '-U',
      POSTGRES_USER,
      '-d',
      database,
      '-c',
      statement,
    ];
    return execFileSync(cmd!, rest, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  };
  let stopped: Promise<void> | null = null;
  return {
    host: '127.0.0.1',
    port,
    dir,
    url,
    sql,
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`database name ${name}: use [a-z0-9_]`);
      sql(`CREATE DATABASE ${name}`);
      return url(name);
    },
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGINT');
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }
        await rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
