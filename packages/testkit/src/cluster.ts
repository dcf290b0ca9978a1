import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addUserByCli } from './cli-user.js';
import { type ClusterProcess, freePort, startProcess } from './cluster-process.js';
import { type Haproxy, startHaproxy } from './engines/haproxy.js';
import { type PostgresEngine, startPostgres } from './engines/postgres.js';
import { type RedisEngine, startRedis } from './engines/redis.js';
import { type S3Engine, startS3 } from './engines/s3.js';
import { PASSWORD } from './server.js';

export type { ClusterProcess } from './cluster-process.js';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const BIN = join(ROOT, 'apps/server/bin/sightline.js');
const MAIN = join(ROOT, 'apps/server/dist/main.js');

/**
 * The several-instance topology, as `npm run cluster` runs it and the cluster e2e tests use it:
 * HAProxy in front of server instances that share PostgreSQL, Redis (events between instances),
 * an S3 bucket (s3rver) and one signing key, with media nodes (`sightline media-node`, each
 * supervising its own Janus) holding the rooms. Everything runs on 127.0.0.1 inside the network
 * namespace; programs' data and logs are in one folder.
 */
export interface ClusterOptions {
  /** Folder for every program's data and logs; a fresh temporary one by default (removed on stop). */
  dir?: string;
  /** The load balancer's port; 0 (default) picks a free one. */
  port?: number;
  /** Server instances behind the load balancer (default 2). */
  instances?: number;
  /** Media nodes (default 2). */
  mediaNodes?: number;
  /**
   * Officer accounts: `test` makes one per role named after it (`handler`, `supervisor`,
   * `admin`, `dpo`) with testkit's PASSWORD; `generated` makes one `officer` (call handler and
   * supervisor) with a password the CLI generates, returned as `login`.
   */
  accounts?: 'test' | 'generated';
  /** Settings given to every program (override the cluster's own). */
  env?: Record<string, string>;
  /** Each log line of every program as it arrives. */
  onLine?: (name: string, line: string) => void;
}

export interface Cluster {
  /** The load balancer: what officers and callers use. */
  url: string;
  dir: string;
  lb: Haproxy;
  postgres: PostgresEngine;
  /** Restart or kill it to test how instances ride out a Redis outage. */
  redis: RedisEngine;
  s3: S3Engine;
  /** Server instances, in the load balancer's order; `instances[i].name` is its backend name. */
  instances: ClusterProcess[];
  /** Media nodes; `url` serves the node's GET /healthz (its Janus, rooms and publishers). */
  mediaNodes: ClusterProcess[];
  /** The `generated` account's sign-in. */
  login: { username: string; password: string } | null;
  /** The load balancer's name for an instance (`a`, `b`, …). */
  backendName(instance: ClusterProcess): string;
  /** Stops every program in reverse start order: HAProxy, instances, media nodes, then the engines. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

const LETTERS = 'abcdefghij';

/** Starts the whole topology; resolves when the load balancer sees every instance up. */
export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  if (process.env.SIGHTLINE_IN_NETNS !== '1')
    throw new Error('the cluster runs inside the network namespace: use scripts/netns-run.sh');
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'sightline-cluster-'));
  const ownDir = !opts.dir;
  const count = opts.instances ?? 2;
  const nodeCount = opts.mediaNodes ?? 2;
  if (count < 1 || count > LETTERS.length) throw new Error(`instances: 1 to ${LETTERS.length}`);
  if (nodeCount < 1 || nodeCount > 8) throw new Error('mediaNodes: 1 to 8');
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
  };
  try {
    const postgres = await startPostgres();
    stops.push(() => postgres.stop());
    const redis = await startRedis();
    stops.push(() => redis.stop());
    const s3 = await startS3({ dir: mkdirAndReturn(join(dir, 's3')) });
    stops.push(() => s3.stop());
    const lbPort = opts.port || (await freePort());
    const lbUrl = `http://127.0.0.1:${lbPort}`;
    const shared = {
      ...sharedSettings(dir, lbUrl),
      // Server instances run no Janus: they place rooms on the media nodes and relay to them.
      SIGHTLINE_MEDIA: 'nodes',
      // Every instance and node must agree on both; a fresh pair per cluster.
      SIGHTLINE_JANUS_API_SECRET: randomBytes(24).toString('base64url'),
      SIGHTLINE_JANUS_ADMIN_KEY: randomBytes(24).toString('base64url'),
      SIGHTLINE_DATABASE_URL: postgres.createDatabase('sightline'),
      ...redis.env(),
      ...s3.env(),
    };
    const login = createAccounts({ ...process.env, ...shared, ...opts.env }, opts.accounts ?? 'test');

    // One at a time: two Janus booting at once on two cores only slow each other down.
    const mediaNodes: ClusterProcess[] = [];
    for (let i = 0; i < nodeCount; i++) {
      const name = `media-${i + 1}`;
      const healthPort = await freePort();
      const dataDir = mkdirAndReturn(join(dir, name));
      const p = await startProcess({
        name,
        port: healthPort,
        args: [BIN, 'media-node'],
        env: {
          ...process.env,
          ...shared,
          SIGHTLINE_DATA_DIR: dataDir,
          // Fixed for the node's life, so a restarted node is found where it was.
          SIGHTLINE_MEDIA_NODE_ID: name,
          SIGHTLINE_JANUS_WS_PORT: String(await freePort()),
          SIGHTLINE_MEDIA_NODE_HEALTH_PORT: String(healthPort),
          // Each Janus gets its own slice of UDP ports, so their media never collide.
          SIGHTLINE_RTP_PORT_RANGE: `${20000 + i * 2000}-${20000 + i * 2000 + 1999}`,
          ...opts.env,
        },
        logFile: join(dir, `${name}.log`),
        ready: async (url) => (await fetch(`${url}/healthz`)).ok,
        onLine: opts.onLine,
      });
      stops.push(() => p.stop());
      mediaNodes.push(p);
    }

    const instances: ClusterProcess[] = [];
    const names = new Map<ClusterProcess, string>();
    // One at a time: the first creates the signing key the others then load.
    for (let i = 0; i < count; i++) {
      const letter = LETTERS[i]!;
      const port = await freePort();
      const dataDir = join(dir, `instance-${letter}`);
      mkdirSync(dataDir, { recursive: true });
      const p = await startProcess({
        name: `instance-${letter}`,
        port,
        args: [MAIN],
        env: {
          ...process.env,
          ...shared,
          SIGHTLINE_DATA_DIR: dataDir,
          SIGHTLINE_PORT: String(port),
          ...opts.env,
        },
        logFile: join(dir, `instance-${letter}.log`),
        ready: serving,
        onLine: opts.onLine,
      });
      stops.push(() => p.stop());
      instances.push(p);
      names.set(p, letter);
    }

    const lb = await startHaproxy({
      dir: mkdirAndReturn(join(dir, 'haproxy')),
      port: lbPort,
      backends: instances.map((p) => ({ name: names.get(p)!, port: p.port })),
    });
    stops.push(() => lb.stop());
    for (const p of instances) await lb.waitFor(names.get(p)!, 'UP');

    return {
      url: lbUrl,
      dir,
      lb,
      postgres,
      redis,
      s3,
      instances,
      mediaNodes,
      login,
      backendName: (p) => names.get(p) ?? '',
      async stop(o = {}) {
        await stopAll();
        if (ownDir && !o.keepData && !process.env.SIGHTLINE_KEEP_E2E_DATA)
          rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Settings every program of the cluster shares besides the engines' addresses. */
function sharedSettings(dir: string, lbUrl: string): Record<string, string> {
  return {
    SIGHTLINE_HOST: '127.0.0.1',
    // Links in texts point at the load balancer, never at one instance.
    SIGHTLINE_PUBLIC_URL: lbUrl,
    // HAProxy adds X-Forwarded-For; sign-in throttles then see the browser's address.
    SIGHTLINE_TRUST_PROXY: 'loopback',
    // Every instance signs with the same key, so any of them can verify and export.
    SIGHTLINE_KEY_DIR: join(dir, 'keys'),
    SIGHTLINE_LOG_LEVEL: 'info',
    // Tiles cannot load in the namespace; the map works without them.
    SIGHTLINE_MAP_TILE_URL: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    // Tests text one number from one officer many times (limits are tested in integration).
    SIGHTLINE_INVITES_PER_NUMBER_HOUR: '10000',
    SIGHTLINE_INVITES_PER_OFFICER_MINUTE: '10000',
    SIGHTLINE_INVITES_PER_OFFICER_HOUR: '100000',
  };
}

/** Creates the officers (and with them the database) through the CLI, as an operator would. */
function createAccounts(
  env: NodeJS.ProcessEnv,
  kind: 'test' | 'generated',
): { username: string; password: string } | null {
  const add = (username: string, roles: string[], password?: string) =>
    addUserByCli(env, {
      username,
      roles,
      name: kind === 'test' ? `E2E ${username}` : 'Cluster officer',
      ...(password === undefined ? {} : { password }),
    });
  if (kind === 'generated') {
    // No TTY and no --password-stdin: the CLI generates a strong password and prints it once.
    const out = add('officer', ['call-handler', 'supervisor']);
    const password = /Password \(shown once\): (\S+)/.exec(out)?.[1];
    if (!password) throw new Error(`user add printed no password: ${out}`);
    return { username: 'officer', password };
  }
  for (const [username, roles] of [
    ['handler', ['call-handler']],
    ['supervisor', ['supervisor']],
    ['admin', ['admin']],
    ['dpo', ['dpo']],
  ] as const)
    add(username, [...roles], PASSWORD);
  return null;
}

/** An instance serves once /readyz answers 200: its database, evidence store and a media node answer. */
async function serving(url: string): Promise<boolean> {
  return (await fetch(`${url}/readyz`)).ok;
}

function mkdirAndReturn(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}
