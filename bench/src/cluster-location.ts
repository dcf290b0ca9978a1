import type { Cluster } from '@sightline/testkit/cluster';
import { type OfficerApi, officerApi } from '@sightline/testkit/officer';
import type WebSocket from 'ws';
import { connectCaller } from './lib/caller-socket.js';
import { ConsoleProcess } from './lib/console-process.js';
import { FixFleet } from './lib/fix-fleet.js';
import { PgSampler, type PoolUse } from './lib/pg-sampler.js';
import { childrenNamed, quietMachine, type TreeWindow, treeMeter } from './lib/proc-tree.js';
import { round, summarise } from './lib/stats.js';
import { StreamTap, type TapSecond } from './lib/stream-tap.js';

const CALLERS = Number(process.env.BENCH_CLUSTER_CALLERS ?? 1000);
/** Measured seconds per phase; phases alternate cross, same, cross, same so drift hits both. */
const PHASE_S = Number(process.env.BENCH_CLUSTER_PHASE_SECONDS ?? 15);
const ROUNDS = 2;
const WARMUP_MS = 3_000;
/** node-postgres's default pool size, which the server keeps: one instance's statements at once. */
const POOL_SIZE = 10;
/** Instance A keeps up: 3 s in a row whose fixes reached Redis within a median 1 s. */
const STEADY = { lagMs: 1_000, seconds: 3, timeoutMs: 60_000 };
/** How long a console may take to hear from every session after asking to watch them all. */
const COVER_TIMEOUT_MS = 45_000;
/** Measure when other work on the shared machine is below a quarter core (waiting at most 20 s). */
const QUIET = { maxOtherCores: 0.25, timeoutMs: 20_000 };
/** Setting up callers several at a time, as phones arriving at once would. */
const CONCURRENCY = 16;

export type Path = 'cross' | 'same';

export interface PathResult {
  latencies: number[];
  /** Fix → appended to the Redis stream (the sending instance's share), per fix. */
  appendDelays: number[];
  /** Fixes instance A appended per second in each window: what it got through, against 1,000 offered. */
  appendedPerS: number[];
  /** How late (median) the fixes A appended in each window's last second were, in s. */
  lagAtEndS: number[];
  /** What the servers' PostgreSQL connections were doing in each window. */
  pool: PoolUse[];
  sent: number;
  windows: TreeWindow[];
  consoleLoopDelayP99Ms: number[];
  generatorLoopDelayP99Ms: number[];
}

export interface LocationRun {
  callers: number;
  setupSeconds: number;
  paths: Record<Path, PathResult>;
  callersClosed: number;
  /** Per second since the phones started: fixes instance A appended to Redis, and their lag. */
  timeline: TapSecond[];
  /** When each phase watched and measured, in seconds on the timeline's clock. */
  phases: Array<{ path: Path; watch: number; settled: number; from: number; to: number }>;
  /** Seconds from the phones' first fixes until instance A kept up with them. */
  catchUpSeconds: number;
  /** Phases that could not be measured, and why. */
  failures: string[];
}

/** Runs `fn` over 0..n-1, `limit` at a time, keeping the order of results. */
async function pool<T>(n: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

/** A location-only link: the fix path is the video link's, without a Janus room prepared per caller. */
async function locationInvite(api: OfficerApi): Promise<{ sessionId: string; link: string }> {
  const r = await api.request<{ session: { id: string }; link: string }>('POST', '/api/sessions', {
    phone: '07700 900123',
    reference: 'BENCH CLUSTER',
    mode: 'location',
    locationMinutes: 60,
  });
  return { sessionId: r.session.id, link: r.link };
}

interface Context {
  fleet: FixFleet;
  tap: StreamTap;
  sampler: PgSampler;
  roots: Record<string, number>;
  started: number;
  /** False once instance A has been seen not to keep up: waiting for it again only burns time. */
  keepsUp: boolean;
  failures: string[];
}

const since = (c: Context, t: number) => round1((t - c.started) / 1000);

/** Watches every session from one console, waits for a steady state, measures one window. */
async function phase(
  c: Context,
  path: Path,
  con: ConsoleProcess,
  into: PathResult,
): Promise<LocationRun['phases'][number] | null> {
  const watch = Date.now();
  try {
    await con.watch(COVER_TIMEOUT_MS);
  } catch (err) {
    // Record it and go on: the timeline shows why, which is the finding.
    c.failures.push(`${path} window at ${since(c, watch)} s: ${(err as Error).message}`);
    await con.unwatch();
    return null;
  }
  // Watching writes an audit entry per session: let that burst pass too.
  const settle = c.keepsUp
    ? await c.tap.steady(STEADY).catch((err: Error) => {
        c.failures.push(`${path} window at ${since(c, watch)} s: ${err.message}; measured anyway`);
        c.keepsUp = false;
        return Number.NaN;
      })
    : Number.NaN;
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  await quietMachine(c.roots, QUIET);
  const from = Date.now();
  const to = from + PHASE_S * 1000;
  c.fleet.loopDelayP99Ms(true);
  const meter = treeMeter(c.roots);
  c.sampler.start();
  const measured = con.measure(from, to);
  const appended = c.tap.measure(from, to);
  await new Promise((r) => setTimeout(r, to - Date.now()));
  const window = meter.stop();
  const pool = c.sampler.stop(POOL_SIZE);
  const generatorDelay = c.fleet.loopDelayP99Ms();
  const got = await measured;
  const appendDelays = await appended;
  await con.unwatch();
  const first = Math.ceil((from - c.started) / 1000);
  const seconds = c.tap.timeline().filter((x) => x.t >= first && x.t < first + PHASE_S);
  const appendedPerS = seconds.reduce((n, x) => n + x.appended, 0) / Math.max(1, seconds.length);
  const lagAtEnd = (seconds.at(-1)?.lagP50Ms ?? Number.NaN) / 1000;
  into.latencies.push(...got.latencies);
  into.appendDelays.push(...appendDelays);
  into.pool.push(pool);
  into.appendedPerS.push(round1(appendedPerS));
  into.lagAtEndS.push(round1(lagAtEnd));
  into.sent += c.fleet.sentBetween(from, to);
  into.windows.push(window);
  into.consoleLoopDelayP99Ms.push(round1(got.loopDelayP99Ms));
  into.generatorLoopDelayP99Ms.push(round1(generatorDelay));
  const s = summarise(got.latencies);
  process.stdout.write(
    `  ${path}: p50 ${s.p50} p95 ${s.p95} p99 ${s.p99} ms, ${got.latencies.length}/${c.fleet.sentBetween(from, to)} fixes; ` +
      `A appended ${appendedPerS.toFixed(0)}/s, ${lagAtEnd.toFixed(1)} s late at the end; ` +
      `PostgreSQL ${pool.meanActive.toFixed(1)} statements running; ` +
      `A ${pct(window.cpu.instanceA)} B ${pct(window.cpu.instanceB)} Redis ${pct(window.cpu.redis)} ` +
      `PostgreSQL ${pct(window.cpu.postgres)} generator ${pct(window.cpu.generator)}; ` +
      `machine ${window.machine.busyCores.toFixed(2)}/${window.machine.cores} busy (${window.machine.otherCores.toFixed(2)} other)\n`,
  );
  return { path, watch: since(c, watch), settled: round1(settle), from: since(c, from), to: since(c, to) };
}

/**
 * 1,000 phones on instance A send a fix a second; an officer console (its own process)
 * watches every session from instance B (`cross`: through Redis), then from A itself
 * (`same`), alternating. Measures fix → console latency, delivery, and CPU per process.
 */
export async function locationAcrossInstances(cluster: Cluster): Promise<LocationRun> {
  const [a, b] = cluster.instances;
  if (!a || !b) throw new Error('the cluster location benchmark needs two instances');
  const setupStart = Date.now();
  const apiA = await officerApi(a.url);
  const apiB = await officerApi(b.url);
  const invites = await pool(CALLERS, CONCURRENCY, () => locationInvite(apiA));
  process.stdout.write(`  ${CALLERS} invites in ${((Date.now() - setupStart) / 1000).toFixed(0)} s\n`);
  const sockets: WebSocket[] = [];
  await pool(CALLERS, CONCURRENCY, async (i) => {
    sockets.push(await connectCaller(a.url, invites[i]!.link, i));
  });
  const setupSeconds = (Date.now() - setupStart) / 1000;
  process.stdout.write(`  ${CALLERS} callers on instance A after ${setupSeconds.toFixed(0)} s\n`);
  const ids = invites.map((x) => x.sessionId);
  const consoles: Partial<Record<Path, ConsoleProcess>> = {};
  const paths: Record<Path, PathResult> = { cross: emptyPath(), same: emptyPath() };
  const phases: LocationRun['phases'] = [];
  const c: Context = {
    fleet: new FixFleet(sockets),
    tap: new StreamTap(cluster.redis.url),
    sampler: new PgSampler(cluster.postgres.url('sightline')),
    roots: {},
    started: Date.now(),
    keepsUp: true,
    failures: [],
  };
  let catchUpSeconds = Number.NaN;
  try {
    await c.sampler.connect();
    c.tap.start();
    c.started = Date.now();
    c.fleet.start();
    // 1,000 phones starting at once is a burst of its own (each first fix also starts the
    // location-only session): measure only once instance A has caught up, and say how long.
    catchUpSeconds = await c.tap.steady(STEADY).catch((err: Error) => {
      c.failures.push(`start: ${err.message}; measured anyway`);
      c.keepsUp = false;
      return Number.NaN;
    });
    process.stdout.write(`  instance A caught up with the phones after ${catchUpSeconds.toFixed(0)} s\n`);
    const cross = await ConsoleProcess.open(b.url, apiB.cookie, ids);
    consoles.cross = cross;
    const same = await ConsoleProcess.open(a.url, apiA.cookie, ids);
    consoles.same = same;
    c.roots = {
      instanceA: a.process.pid!,
      instanceB: b.process.pid!,
      redis: only(childrenNamed(process.pid, 'redis-server'), 'redis-server'),
      postgres: only(childrenNamed(process.pid, 'postgres'), 'postgres'),
      consoleB: cross.pid,
      consoleA: same.pid,
      haproxy: only(childrenNamed(process.pid, 'haproxy'), 'haproxy'),
      // Media nodes hold no room here but read the event stream like every instance.
      ...Object.fromEntries(cluster.mediaNodes.filter((n) => n.running).map((n) => [n.name, n.process.pid!])),
    };
    for (let r = 0; r < ROUNDS; r++) {
      for (const path of ['cross', 'same'] as const) {
        const done = await phase(c, path, path === 'cross' ? cross : same, paths[path]);
        if (done) phases.push(done);
      }
    }
  } finally {
    c.fleet.stop();
    await c.tap.close();
    await c.sampler.close();
    for (const con of Object.values(consoles)) await con.close();
    for (const ws of sockets) ws.close();
  }
  return {
    callers: CALLERS,
    setupSeconds,
    paths,
    callersClosed: c.fleet.closed,
    timeline: c.tap.timeline(),
    phases,
    failures: c.failures,
    catchUpSeconds,
  };
}

function emptyPath(): PathResult {
  return {
    latencies: [],
    appendDelays: [],
    appendedPerS: [],
    lagAtEndS: [],
    pool: [],
    sent: 0,
    windows: [],
    consoleLoopDelayP99Ms: [],
    generatorLoopDelayP99Ms: [],
  };
}

function only(pids: number[], what: string): number {
  if (pids.length !== 1)
    throw new Error(`expected one ${what} started by the benchmark, found ${pids.length}`);
  return pids[0]!;
}

const round1 = (v: number) => round(v, 1) ?? Number.NaN;
const pct = (v: number | undefined) => `${((v ?? Number.NaN) * 100).toFixed(0)}%`;
