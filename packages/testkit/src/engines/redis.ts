import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/**
 * A throwaway Redis for tests and `npm run cluster`: Debian's redis-server in a temp folder,
 * on 127.0.0.1 and a free port, without persistence (a restart empties it, as a crashed
 * cache server without a disk would).
 */
export interface RedisEngine {
  /** redis://127.0.0.1:<port> */
  url: string;
  port: number;
  dir: string;
  /** The settings that point a server at this Redis. */
  env(): Record<string, string>;
  /** Kills Redis (SIGKILL when `hard`, else SIGTERM) and starts it again on the same port, empty. */
  restart(o?: { hard?: boolean; downMs?: number }): Promise<void>;
  /** Kills it and leaves it down (until `start`). */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const BINARY = process.env.SIGHTLINE_REDIS_SERVER ?? 'redis-server';

export async function startRedis(o: { port?: number } = {}): Promise<RedisEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'sightline-redis-'));
  const port = o.port ?? (await freePort());
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const lastLines: string[] = [];

  const start = async () => {
    if (child) return;
    // setpriv's parent-death signal: if the test process is killed (no 'exit' event), Redis goes too.
    // setpriv execs redis-server, so the child's pid is Redis's own.
    const c = spawn(
      'setpriv',
      [
        '--pdeathsig',
        'KILL',
        '--',
        BINARY,
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    for (const stream of [c.stdout, c.stderr])
      stream?.on('data', (d: Buffer) => {
        lastLines.push(...d.toString().split('\n').filter(Boolean));
        lastLines.splice(0, Math.max(0, lastLines.length - 20));
      });
    exited = new Promise((r) => c.once('exit', () => r()));
    child = c;
    void exited.then(() => {
      if (child === c) child = null;
    });
    // Never outlive the test that started it.
    process.once('exit', () => c.kill('SIGKILL'));
    await untilPong(port, () => child === c, lastLines);
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const c = child;
    if (!c) return;
    c.kill(signal);
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    env: () => ({ SIGHTLINE_REDIS_URL: `redis://127.0.0.1:${port}` }),
    async restart(r = {}) {
      await kill(r.hard ? 'SIGKILL' : 'SIGTERM');
      if (r.downMs) await new Promise((res) => setTimeout(res, r.downMs));
      await start();
    },
    kill: () => kill('SIGKILL'),
    start,
    async stop() {
      await kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until Redis answers PING (or its process exits, which throws with its last lines). */
async function untilPong(port: number, alive: () => boolean, lastLines: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (await ping(port)) return;
    if (!alive()) throw new Error(`redis-server exited:\n${lastLines.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1_000, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
