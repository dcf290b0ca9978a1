import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway coturn (Debian's `turnserver`) for tests, set up as a force would run it:
 * TURN REST credentials only (use-auth-secret with a realm), no CLI, no TLS, logging to a
 * file the test reads. It listens on a private address inside the test's network
 * namespace, never loopback: Janus's ICE ignores loopback, and a relay there would prove
 * nothing about a real network path.
 */
export interface CoturnEngine {
  /** The address TURN clients connect to. */
  listenIp: string;
  /** The address coturn relays from: what Janus sees as the caller. */
  relayIp: string;
  port: number;
  realm: string;
  /** The static-auth-secret shared with Sightline (SIGHTLINE_TURN_SECRET). */
  secret: string;
  /** turn: URLs over UDP and TCP. */
  urls: string[];
  logFile: string;
  /** The settings that point a Sightline server at this TURN server. */
  env(extra?: { callerPolicy?: 'all' | 'relay'; ttlSeconds?: number }): Record<string, string>;
  /** Everything coturn has logged so far. */
  log(): string;
  /** Usernames whose ALLOCATE succeeded, in order (a relay was opened for them). */
  allocations(): string[];
  stop(): Promise<void>;
}

const BINARY = process.env.SIGHTLINE_TURNSERVER ?? 'turnserver';

export async function startCoturn(o: {
  listenIp: string;
  relayIp?: string;
  port?: number;
  realm?: string;
  secret?: string;
  /** How long coturn may take to listen before the start counts as failed. */
  readyWithinMs?: number;
}): Promise<CoturnEngine> {
  if (process.env.SIGHTLINE_IN_NETNS !== '1')
    throw new Error('startCoturn needs the private network namespace (scripts/netns-run.sh)');
  const relayIp = o.relayIp ?? o.listenIp;
  for (const ip of [o.listenIp, relayIp])
    if (isIP(ip) !== 4 || ip.startsWith('127.'))
      throw new Error(`coturn must use a private IPv4 address inside the namespace, not "${ip}"`);
  const dir = await mkdtemp(join(tmpdir(), 'sightline-coturn-'));
  const port = o.port ?? (await freePort(o.listenIp));
  const realm = o.realm ?? 'sightline.test';
  const secret = o.secret ?? randomBytes(24).toString('base64url');
  const logFile = join(dir, 'turn.log');
  const conf = join(dir, 'turnserver.conf');
  // The secret goes in a file, not on the command line (where `ps` would show it).
  await writeFile(
    conf,
    [
      `listening-ip=${o.listenIp}`,
      `listening-port=${port}`,
      `relay-ip=${relayIp}`,
      `realm=${realm}`,
      'use-auth-secret',
      `static-auth-secret=${secret}`,
      'fingerprint',
      'no-cli',
      'no-tls',
      'no-dtls',
      'no-multicast-peers',
      'verbose',
      `log-file=${logFile}`,
      'simple-log',
      'no-stdout-log',
      `pidfile=${join(dir, 'turnserver.pid')}`,
      `userdb=${join(dir, 'turndb')}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const output: string[] = [];
  // setpriv's parent-death signal: if the test process is killed, coturn goes too.
  const child: ChildProcess = spawn('setpriv', ['--pdeathsig', 'KILL', '--', BINARY, '-c', conf], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const s of [child.stdout, child.stderr]) s?.on('data', (d: Buffer) => output.push(d.toString()));
  let exited = false;
  const gone = new Promise<void>((r) =>
    child.once('exit', () => {
      exited = true;
      r();
    }),
  );
  process.once('exit', () => child.kill('SIGKILL'));
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');

  const deadline = Date.now() + (o.readyWithinMs ?? 10_000);
  try {
    while (!(await listening(o.listenIp, port))) {
      if (exited) throw new Error(`turnserver exited:\n${output.join('')}\n${log()}`);
      if (Date.now() > deadline)
        throw new Error(`turnserver did not listen on ${o.listenIp}:${port}\n${log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (err) {
    // A turnserver that cannot bind retries for ever: the caller gets no engine to stop, so
    // it goes now, with its directory (the secret is in its configuration file).
    child.kill('SIGKILL');
    await gone;
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  const urls = [`turn:${o.listenIp}:${port}?transport=udp`, `turn:${o.listenIp}:${port}?transport=tcp`];
  return {
    listenIp: o.listenIp,
    relayIp,
    port,
    realm,
    secret,
    urls,
    logFile,
    env: (extra = {}) => ({
      SIGHTLINE_TURN_URLS: urls.join(','),
      SIGHTLINE_TURN_SECRET: secret,
      ...(extra.ttlSeconds ? { SIGHTLINE_TURN_TTL_SECONDS: String(extra.ttlSeconds) } : {}),
      ...(extra.callerPolicy ? { SIGHTLINE_CALLER_ICE_POLICY: extra.callerPolicy } : {}),
    }),
    log,
    allocations: () =>
      [...log().matchAll(/user <([^>]*)>: incoming packet ALLOCATE processed, success/g)].map((m) => m[1]!),
    async stop() {
      if (!exited) child.kill('SIGKILL');
      await gone;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    sock.setTimeout(500, () => {
      sock.destroy();
      resolve(false);
    });
    sock.once('error', () => resolve(false));
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
  });
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}
