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
/** Consecutive measured windows, each this long: their spread shows how steady the run was. */
const WINDOWS = 3;
const WINDOW_S = Number(process.env.BENCH_CLUSTER_WINDOW_SECONDS ?? 15);
/** node-postgres's default pool size, which the server keeps: one instance's statements at once. */
const POOL_SIZE = 10;
/** Instance A keeps up with the phones' start: 3 s in a row whose fixes reached Redis within a median 1 s. */
const CAUGHT_UP = { lagMs: 1_000, seconds: 3, timeoutMs: 60_000 };
/** Steady before measuring: 5 s in a row within a median 100 ms (the watch burst's audit writes done). */
const STEADY = { lagMs: 100, seconds: 5, timeoutMs: 90_000 };
/** Measure when other work on the shared machine is below a quarter core (waiting at most 20 s). */
const QUIET = { maxOtherCores: 0.25, timeoutMs: 20_000 };
/** How long a console may take to hear from every session after asking to watch them all. */
const COVER_TIMEOUT_MS = 60_000;
/** Setting up callers several at a time, as phones arriving at once would. */
const CONCURRENCY = 16;

/** `cross`: the console on instance B (fixes through Redis); `same`: the console on A itself. */
export type Path = 'cross' | 'same';

export interface LocationWindow {
  /** Seconds on the timeline's clock. */
  from: number;
  to: number;
  /** Fixes the phones stamped in the window. */
  sent: number;
  /** Arrival − fixTime at each console, ms. */
  latencies: Record<Path, number[]>;
  /** Fix → appended to the Redis stream by A (the sending side's share), ms. */
  appendDelays: number[];
  /** Fixes A appended per second: what it got through against the phones' 1,000. */
  appendedPerS: number;
  /** Median lag of the fixes A appended in the window's last second, s. */
  lagAtEndS: number;
  cpu: TreeWindow;
  /** What the servers' PostgreSQL connections were doing. */
  pool: PoolUse;
  consoleLoopDelayP99Ms: Record<Path, number>;
  generatorLoopDelayP99Ms: number;
}

export interface LocationRun {
  callers: number;
  setupSeconds: number;
  /** From the phones' first fixes until A kept up with them (NaN: it did not within 60 s). */
  catchUpSeconds: number;
  /** From asking to watch all sessions until each console had heard from every one. */
  watchSeconds: Record<Path, number>;
  /** From both consoles covered until fixes flowed steadily again. */
  settleSeconds: number;
  windows: LocationWindow[];
  callersClosed: number;
  /** Per second since the phones started: fixes A appended to Redis, and their lag. */
  timeline: TapSecond[];
  /** What could not be done as planned, and why. */
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

/** Seconds since `start`, to one decimal. */
const secondsSince = (start: number, t = Date.now()) => round1((t - start) / 1000);

/**
 * 1,000 phones on instance A send a fix a second. Two officer consoles, each in its own
 * process, watch every session: one on instance B (`cross`: every fix through Redis) and one on
 * A (`same`). Both measure the same fixes in the same windows, so the comparison is exact.
 */
export async function locationAcrossInstances(cluster: Cluster): Promise<LocationRun> {
  const [a, b] = cluster.instances;
  if (!a || !b) throw new Error('the cluster location benchmark needs two instances');
  const setupStart = Date.now();
  const apiA = await officerApi(a.url);
  const apiB = await officerApi(b.url);
  const invites = await pool(CALLERS, CONCURRENCY, () => locationInvite(apiA));
  process.stdout.write(`  ${CALLERS} invites in ${secondsSince(setupStart)} s\n`);
  const sockets: WebSocket[] = [];
  await pool(CALLERS, CONCURRENCY, async (i) => {
    sockets.push(await connectCaller(a.url, invites[i]!.link, i));
  });
  const setupSeconds = (Date.now() - setupStart) / 1000;
  process.stdout.write(`  ${CALLERS} callers on instance A after ${setupSeconds.toFixed(0)} s\n`);
  const ids = invites.map((x) => x.sessionId);
  const fleet = new FixFleet(sockets);
  const tap = new StreamTap(cluster.redis.url);
  const sampler = new PgSampler(cluster.postgres.url('sightline'));
  const consoles: Partial<Record<Path, ConsoleProcess>> = {};
  const failures: string[] = [];
  const windows: LocationWindow[] = [];
  const watchSeconds: Record<Path, number> = { cross: Number.NaN, same: Number.NaN };
  let catchUpSeconds = Number.NaN;
  let settleSeconds = Number.NaN;
  let started = Date.now();
  try {
    await sampler.connect();
    tap.start();
    started = Date.now();
    fleet.start();
    // 1,000 phones starting at once is a burst of its own (each first fix also starts its
    // location-only session): say how long A takes to catch up, then go on either way.
    let keepsUp = true;
    catchUpSeconds = await tap.steady(CAUGHT_UP).catch((err: Error) => {
      failures.push(`start: ${err.message}`);
      keepsUp = false;
      return Number.NaN;
    });
    process.stdout.write(`  instance A caught up with the phones after ${catchUpSeconds.toFixed(0)} s\n`);
    const cross = await ConsoleProcess.open(b.url, apiB.cookie, ids);
    consoles.cross = cross;
    const same = await ConsoleProcess.open(a.url, apiA.cookie, ids);
    consoles.same = same;
    const watchStart = Date.now();
    await Promise.all(
      (['cross', 'same'] as const).map((path) =>
        (path === 'cross' ? cross : same).watch(COVER_TIMEOUT_MS).then(
          () => {
            watchSeconds[path] = secondsSince(watchStart);
          },
          (err: Error) => failures.push(`${path} console: ${err.message}`),
        ),
      ),
    );
    process.stdout.write(
      `  consoles heard from every session after ${watchSeconds.cross} s (B) and ${watchSeconds.same} s (A)\n`,
    );
    // Watching writes one audit entry per session and console: let that burst pass too.
    if (keepsUp) {
      settleSeconds = await tap.steady(STEADY).catch((err: Error) => {
        failures.push(`after watching: ${err.message}; measured anyway`);
        return Number.NaN;
      });
    }
    const roots = {
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
    await quietMachine(roots, QUIET);
    for (let i = 0; i < WINDOWS; i++) {
      const w = await measureWindow({ fleet, tap, sampler, roots, started, cross, same });
      windows.push(w);
      printWindow(w);
    }
  } finally {
    fleet.stop();
    await tap.close();
    await sampler.close();
    for (const con of Object.values(consoles)) await con.close();
    for (const ws of sockets) ws.close();
  }
  return {
    callers: CALLERS,
    setupSeconds,
    catchUpSeconds,
    watchSeconds,
    settleSeconds,
    windows,
    callersClosed: fleet.closed,
    timeline: tap.timeline(),
    failures,
  };
}

/** One window: both consoles, the stream tap, every process's CPU and PostgreSQL's connections. */
async function measureWindow(c: {
  fleet: FixFleet;
  tap: StreamTap;
  sampler: PgSampler;
  roots: Record<string, number>;
  started: number;
  cross: ConsoleProcess;
  same: ConsoleProcess;
}): Promise<LocationWindow> {
  const from = Date.now();
  const to = from + WINDOW_S * 1000;
  c.fleet.loopDelayP99Ms(true);
  const meter = treeMeter(c.roots);
  c.sampler.start();
  const crossDone = c.cross.measure(from, to);
  const sameDone = c.same.measure(from, to);
  const appended = c.tap.measure(from, to);
  await new Promise((r) => setTimeout(r, to - Date.now()));
  const cpu = meter.stop();
  const pool = c.sampler.stop(POOL_SIZE);
  const generatorLoopDelayP99Ms = round1(c.fleet.loopDelayP99Ms());
  // The consoles answer 3 s after `to`, so fixes late by up to 3 s still count.
  const [crossGot, sameGot, appendDelays] = await Promise.all([crossDone, sameDone, appended]);
  const first = Math.ceil((from - c.started) / 1000);
  const seconds = c.tap.timeline().filter((x) => x.t >= first && x.t < first + WINDOW_S);
  return {
    from: secondsSince(c.started, from),
    to: secondsSince(c.started, to),
    sent: c.fleet.sentBetween(from, to),
    latencies: { cross: crossGot.latencies, same: sameGot.latencies },
    appendDelays,
    appendedPerS: round1(seconds.reduce((n, x) => n + x.appended, 0) / Math.max(1, seconds.length)),
    lagAtEndS: round1((seconds.at(-1)?.lagP50Ms ?? Number.NaN) / 1000),
    cpu,
    pool,
    consoleLoopDelayP99Ms: {
      cross: round1(crossGot.loopDelayP99Ms),
      same: round1(sameGot.loopDelayP99Ms),
    },
    generatorLoopDelayP99Ms,
  };
}

function printWindow(w: LocationWindow): void {
  const p = (path: Path) => {
    const s = summarise(w.latencies[path]);
    return `${path} p50 ${s.p50} p95 ${s.p95} p99 ${s.p99} ms (${w.latencies[path].length}/${w.sent})`;
  };
  const cpu = w.cpu.cpu;
  process.stdout.write(
    `  window ${w.from}–${w.to} s: ${p('cross')}, ${p('same')}; A appended ${w.appendedPerS}/s, ` +
      `${w.lagAtEndS} s late at the end; PostgreSQL ${w.pool.meanActive.toFixed(1)} statements running; ` +
      `A ${pct(cpu.instanceA)} B ${pct(cpu.instanceB)} Redis ${pct(cpu.redis)} PostgreSQL ${pct(cpu.postgres)} ` +
      `generator ${pct(cpu.generator)}; machine ${w.cpu.machine.busyCores.toFixed(2)}/${w.cpu.machine.cores} busy ` +
      `(${w.cpu.machine.otherCores.toFixed(2)} other)\n`,
  );
}

function only(pids: number[], what: string): number {
  if (pids.length !== 1)
    throw new Error(`expected one ${what} started by the benchmark, found ${pids.length}`);
  return pids[0]!;
}

const round1 = (v: number) => round(v, 1) ?? Number.NaN;
const pct = (v: number | undefined) => `${((v ?? Number.NaN) * 100).toFixed(0)}%`;
