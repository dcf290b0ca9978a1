import { type SyntheticCall, syntheticCall } from '@sightline/testkit/caller';
import type { Cluster, ClusterProcess } from '@sightline/testkit/cluster';
import { ConsoleClient } from '@sightline/testkit/console-client';
import { type OfficerApi, officerApi } from '@sightline/testkit/officer';
import { ReceiveStats, type RtpSource, viewerAnswer } from '@sightline/testkit/synthetic';
import { childrenNamed, quietMachine, type TreeWindow, treeMeter } from './lib/proc-tree.js';
import { endSession } from './lib/sightline.js';

const SESSIONS = Number(process.env.BENCH_CLUSTER_SESSIONS ?? 16);
const VIEWERS = 2;
const DEBUG = process.env.BENCH_DEBUG === '1';
const WARMUP_MS = 4_000;
const IDLE_MS = 5_000;
const REDISCOVER_MS = 8_000;
const MEASURE_MS = Number(process.env.BENCH_CLUSTER_MEASURE_MS ?? 10_000);
/** Measure when other work on the shared machine is below a quarter core (waiting at most 30 s). */
const QUIET = { maxOtherCores: 0.25, timeoutMs: 30_000 };

export interface NodeShare {
  node: string;
  /** Live publishers on the node (its /healthz), i.e. sessions placed there. */
  sessions: number;
  /** CPU-s/s of its Janus, and of the media-node process with the helpers it ran (sealing, ingest). */
  janus: number;
  nodeProcess: number;
  /** The same node's CPU-s/s (Janus + media-node) with no call, measured before the first calls. */
  idle: number;
}

export interface MediaPhase {
  label: 'two-nodes' | 'one-node' | 'two-nodes-again';
  sessions: number;
  nodes: NodeShare[];
  window: TreeWindow;
  viewerKbps: number;
  viewerLossPct: number;
}

/** A media node's own view of its load. */
async function health(node: ClusterProcess): Promise<{ rooms: number; publishers: number }> {
  return (await (await fetch(`${node.url}/healthz`)).json()) as { rooms: number; publishers: number };
}

/** Waits until the media nodes are idle (ingest of ended calls done): under 5% of a core over 2 s each. */
async function quiet(nodes: ClusterProcess[]): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const m = treeMeter(Object.fromEntries(nodes.map((n) => [n.name, n.process.pid!])));
    await new Promise((r) => setTimeout(r, 2_000));
    if (Object.values(m.stop().cpu).every((c) => c < 0.05)) return;
  }
  throw new Error('media nodes still busy 90 s after the calls ended');
}

/**
 * N synthetic calls through the load balancer (werift publisher, 2 viewers each through one
 * console socket, recording on), placed by the servers; measures every process over a plateau.
 */
async function phase(
  cluster: Cluster,
  api: OfficerApi,
  source: RtpSource,
  label: MediaPhase['label'],
  nodes: ClusterProcess[],
  idle: Record<string, number>,
): Promise<MediaPhase> {
  const con = await ConsoleClient.open(cluster.url, api.cookie);
  const live = new Set<string>();
  con.ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as { type: string; session?: { id: string; publishing?: boolean } };
    if (m.type === 'session.updated' && m.session?.publishing) live.add(m.session.id);
  });
  const calls: SyntheticCall[] = [];
  const viewers: Array<{ stats: ReceiveStats; close: () => void }> = [];
  try {
    for (let i = 0; i < SESSIONS; i++) {
      if (DEBUG) process.stdout.write(`  [${i}] calling\n`);
      const call = await within(60_000, syntheticCall(cluster.url, api, source), 'a synthetic call');
      if (DEBUG) process.stdout.write(`  [${i}] published ${call.sessionId}\n`);
      calls.push(call);
      const deadline = Date.now() + 20_000;
      while (!live.has(call.sessionId)) {
        if (Date.now() > deadline) throw new Error(`session ${call.sessionId} never went live`);
        await new Promise((r) => setTimeout(r, 20));
      }
      for (let v = 0; v < VIEWERS; v++) {
        const stats = new ReceiveStats();
        const offer = await con.request({ type: 'view.start', sessionId: call.sessionId }, 'view.offer');
        const answer = await within(30_000, viewerAnswer(offer.sdp as string, stats), "a viewer's answer");
        con.send({ type: 'view.answer', viewId: offer.viewId, sdp: answer.sdp });
        viewers.push({ stats, close: () => void answer.pc.close() });
      }
      process.stdout.write(`\r  ${label}: ${i + 1} of ${SESSIONS} calls live with their viewers`);
    }
    process.stdout.write('\n');
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const roots: Record<string, number> = {
      instanceA: cluster.instances[0]!.process.pid!,
      instanceB: cluster.instances[1]!.process.pid!,
      redis: only(childrenNamed(process.pid, 'redis-server'), 'redis-server'),
      postgres: only(childrenNamed(process.pid, 'postgres'), 'postgres'),
    };
    // Each node's whole tree (its Janus included) in `roots`, so the machine's busy time adds
    // up; each Janus alone in a second meter, to split a node's cost.
    const januses: Record<string, number> = {};
    for (const n of nodes) {
      roots[n.name] = n.process.pid!;
      januses[n.name] = only(childrenNamed(n.process.pid!, 'janus'), `${n.name}'s janus`);
    }
    await quietMachine(roots, QUIET);
    const before = viewers.map((v) => v.stats.snapshot());
    const meter = treeMeter(roots);
    const janusMeter = treeMeter(januses);
    await new Promise((r) => setTimeout(r, MEASURE_MS));
    const window = meter.stop();
    const janusCpu = janusMeter.stop().cpu;
    const after = viewers.map((v) => v.stats.snapshot());
    const kbps = after.map((a, i) => ((a.bytes - before[i]!.bytes) * 8) / window.seconds / 1000);
    const lost = after.reduce((s, a, i) => s + a.lost - before[i]!.lost, 0);
    const got = after.reduce((s, a, i) => s + a.packets - before[i]!.packets, 0);
    const shares: NodeShare[] = [];
    for (const n of nodes) {
      const janus = janusCpu[n.name]!;
      shares.push({
        node: n.name,
        sessions: (await health(n)).publishers,
        janus,
        nodeProcess: window.cpu[n.name]! - janus,
        idle: idle[n.name]!,
      });
    }
    const result: MediaPhase = {
      label,
      sessions: SESSIONS,
      nodes: shares,
      window,
      viewerKbps: kbps.reduce((a, b) => a + b, 0) / Math.max(1, kbps.length),
      viewerLossPct: (100 * lost) / Math.max(1, got + lost),
    };
    process.stdout.write(
      `  ${label}: ${shares
        .map((s) => `${s.node} ${s.sessions} sessions, Janus ${pct(s.janus)} node ${pct(s.nodeProcess)}`)
        .join(
          '; ',
        )}; A ${pct(window.cpu.instanceA)} B ${pct(window.cpu.instanceB)} generator ${pct(window.cpu.generator)}; ` +
        `viewer ${result.viewerKbps.toFixed(0)} kbit/s, loss ${result.viewerLossPct.toFixed(2)}%; machine ${window.machine.busyCores.toFixed(2)}/${window.machine.cores} busy (${window.machine.otherCores.toFixed(2)} other)\n`,
    );
    return result;
  } finally {
    for (const call of calls) await endSession(api, call.sessionId).catch(() => {});
    for (const call of calls) call.hangUp();
    for (const v of viewers) v.close();
    con.close();
  }
}

/**
 * The same calls spread over two media nodes, then all on one (the second node stopped), then
 * on two again (it restarted), in one run: CPU per session per node, and where the servers
 * placed them. Measuring two nodes before and after one shows whether the order matters.
 */
export async function mediaAcrossNodes(cluster: Cluster, source: RtpSource): Promise<MediaPhase[]> {
  const [first, second] = cluster.mediaNodes;
  if (!first || !second) throw new Error('the cluster media benchmark needs two media nodes');
  const api = await officerApi(cluster.url);
  // What a node costs with no call at all, so a per-session cost can be split into the node's
  // fixed part and each call's own.
  const idleMeter = treeMeter({ [first.name]: first.process.pid!, [second.name]: second.process.pid! });
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const idle = idleMeter.stop().cpu;
  const spread = await phase(cluster, api, source, 'two-nodes', [first, second], idle);
  await quiet([first, second]);
  // A stopped node's connection closes at once, so no instance places a room on it. SIGTERM
  // (its clean shutdown) sent here rather than through stop(), which also closes the node's
  // log file and would leave restart() writing to a closed stream.
  const exited = new Promise((r) => second.process.once('exit', r));
  second.process.kill('SIGTERM');
  await exited;
  const single = await phase(cluster, api, source, 'one-node', [first], idle);
  await quiet([first]);
  await second.restart();
  // Each instance reads the media_nodes table every 2 s and then connects to the node.
  await new Promise((r) => setTimeout(r, REDISCOVER_MS));
  const again = await phase(cluster, api, source, 'two-nodes-again', [first, second], idle);
  await quiet([first, second]);
  return [spread, single, again];
}

function only(pids: number[], what: string): number {
  if (pids.length !== 1) throw new Error(`expected one ${what}, found ${pids.length}`);
  return pids[0]!;
}

/** Fails loudly instead of hanging the run (werift's ICE gathering has no deadline of its own). */
function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

const pct = (v: number | undefined) => `${((v ?? Number.NaN) * 100).toFixed(1)}%`;
