import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type SyntheticCall, syntheticCall } from '@sightline/testkit/caller';
import { ensureClip, ReceiveStats, RtpSource, viewerAnswer } from '@sightline/testkit/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  jsonApi,
  type OfficerClient,
  signIn,
  startServer,
  type TestServer,
  TestSocket,
} from './harness.js';

// Two media nodes (`sightline media-node`, the built CLI, each with its own real Janus and RTP
// ports) and one server instance in cluster mode, all on one database. Runs on SQLite and, with
// SIGHTLINE_TEST_DB=postgres, on PostgreSQL (the nodes use the server's database).

const CLI = join(import.meta.dirname, '../bin/sightline.js');
const LOST_SECONDS = 6;
const cluster = {
  SIGHTLINE_MEDIA: 'nodes',
  SIGHTLINE_JANUS_API_SECRET: 'media-nodes-int-api-secret',
  SIGHTLINE_JANUS_ADMIN_KEY: 'media-nodes-int-admin-key',
  SIGHTLINE_SEAL_INTERVAL_SECONDS: '2',
  SIGHTLINE_MEDIA_NODE_HEARTBEAT_SECONDS: '1',
  SIGHTLINE_MEDIA_NODE_STALE_SECONDS: '3',
  SIGHTLINE_MEDIA_NODE_LOST_SECONDS: String(LOST_SECONDS),
};

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (a && typeof a === 'object' ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

/** One `sightline media-node` process, restartable with the same id, ports and spool. */
class MediaNodeProcess {
  child: ChildProcess | null = null;
  readonly log: string[] = [];

  private constructor(
    readonly id: string,
    readonly dataDir: string,
    readonly healthUrl: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(s: TestServer, id: string, rtpPorts: string): Promise<MediaNodeProcess> {
    const dataDir = join(s.dataDir, id);
    mkdirSync(dataDir, { recursive: true });
    const healthPort = await freePort();
    const env = {
      ...process.env,
      ...s.env,
      ...cluster,
      SIGHTLINE_DATABASE_URL: s.databaseUrl,
      // The server's evidence store (a local directory here): nodes ingest into it.
      SIGHTLINE_EVIDENCE_DIR: join(s.dataDir, 'evidence'),
      SIGHTLINE_DATA_DIR: dataDir,
      SIGHTLINE_MEDIA_NODE_ID: id,
      SIGHTLINE_MEDIA_NODE_HEALTH_PORT: String(healthPort),
      SIGHTLINE_JANUS_WS_PORT: String(await freePort()),
      SIGHTLINE_RTP_PORT_RANGE: rtpPorts,
      SIGHTLINE_LOG_LEVEL: 'info',
    };
    return new MediaNodeProcess(id, dataDir, `http://127.0.0.1:${healthPort}/healthz`, env);
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [CLI, 'media-node'], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const file = createWriteStream(join(this.dataDir, 'node.log'), { flags: 'a' });
    const keep = (d: Buffer) => {
      file.write(d);
      this.log.push(...d.toString().split('\n').filter(Boolean));
      if (this.log.length > 300) this.log.splice(0, this.log.length - 300);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`${this.id} exited:\n${this.log.slice(-20).join('\n')}`);
      const res = await fetch(this.healthUrl).catch(() => null);
      return res?.status === 200;
    }, 30_000);
  }

  /** A crash: Janus and the node process SIGKILLed together, so nothing closes its files. */
  kill(): void {
    const janusPid = Number(readFileSync(join(this.dataDir, 'janus', 'janus.pid'), 'utf8'));
    process.kill(janusPid, 'SIGKILL');
    this.child?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

let s: TestServer;
let officer: OfficerClient;
let nodeA: MediaNodeProcess;
let nodeB: MediaNodeProcess;
const calls: SyntheticCall[] = [];
const source = new RtpSource();

beforeAll(async () => {
  await source.start(ensureClip());
  s = await startServer({ env: { ...cluster, SIGHTLINE_TRUST_PROXY: 'loopback' } });
  officer = await signIn(s, ['call-handler', 'supervisor']);
  nodeA = await MediaNodeProcess.create(s, 'node-a', '42000-42999');
  nodeB = await MediaNodeProcess.create(s, 'node-b', '43000-43999');
  await nodeA.start();
  await nodeB.start();
  await eventually(() => s.c.nodes.healthy().length === 2, 20_000);
}, 120_000);

afterAll(async () => {
  for (const call of calls) call.hangUp();
  await s?.close();
  await nodeA?.stop();
  await nodeB?.stop();
  await source.stop();
});

const nodeOf = async (sessionId: string) =>
  (await s.c.db.selectFrom('sessions').select('media_node').where('id', '=', sessionId).executeTakeFirst())
    ?.media_node;
const recordingsOf = (sessionId: string) =>
  s.c.db
    .selectFrom('recordings')
    .select(['id', 'media_node', 'state', 'ended_at'])
    .where('session_id', '=', sessionId)
    .orderBy('started_at')
    .execute();
const sealsOf = (recordingId: string) =>
  s.c.db
    .selectFrom('seals')
    .select(['seq', 'file_name', 'offset', 'prefix_sha256', 'recovered'])
    .where('recording_id', '=', recordingId)
    .orderBy('seq')
    .execute();

/** An officer's live view over the console socket, answered by a headless viewer. */
async function watch(con: TestSocket, sessionId: string, ref: string) {
  con.send({ type: 'view.start', id: ref, sessionId });
  const reply = await con.next(
    (m) => m.ref === ref && (m.type === 'view.offer' || m.type === 'error'),
    20_000,
  );
  // Not live yet (the publisher's connection is still coming up): the console asks again, as the caller does.
  if (reply.type === 'error') throw new Error(`view.start: ${String(reply.code)}`);
  const offer = reply as unknown as { viewId: string; sdp: string };
  const stats = new ReceiveStats();
  const answer = await viewerAnswer(offer.sdp, stats);
  con.send({ type: 'view.answer', id: `${ref}-answer`, viewId: offer.viewId, sdp: answer.sdp });
  return { viewId: offer.viewId, stats, close: () => void answer.pc.close() };
}

describe('several media nodes', () => {
  it('places new sessions on the least-loaded node, so two calls go to two nodes, and each node reports its load', async () => {
    for (let i = 0; i < 2; i++)
      calls.push(await syntheticCall(s.url, jsonApi(officer), source, { republish: true }));
    const placed = await Promise.all(calls.map((c) => nodeOf(c.sessionId)));
    expect(new Set(placed)).toEqual(new Set(['node-a', 'node-b']));
    // Each recording names the node whose spool holds it.
    for (const [i, call] of calls.entries())
      expect((await recordingsOf(call.sessionId)).map((r) => r.media_node)).toEqual([placed[i]]);
    for (const node of [nodeA, nodeB]) {
      const health = await eventually(async () => {
        const h = (await (await fetch(node.healthUrl)).json()) as { rooms: number; publishers: number };
        return h.rooms === 1 && h.publishers === 1 ? h : null;
      });
      expect(health).toMatchObject({ janus: 'up', node: node.id });
    }
  });

  let killed: MediaNodeProcess;
  let victim: SyntheticCall;
  let lostRecording: string;
  let sealedBeforeKill: Awaited<ReturnType<typeof sealsOf>>;

  it('when a node is killed, its caller publishes again onto the other node and the officer sees video again; the other call is untouched', async () => {
    victim = calls[0]!;
    const other = calls[1]!;
    const victimNode = (await nodeOf(victim.sessionId))!;
    killed = victimNode === 'node-a' ? nodeA : nodeB;
    const con = await TestSocket.open(`${s.wsUrl}/ws/console`, officer.cookie);
    await con.next((m) => m.type === 'hello');
    con.send({ type: 'watch', id: 'w1', sessionId: victim.sessionId });
    await eventually(async () => (await s.c.sessions.summary(victim.sessionId)).publishing);
    const before = await eventually(() => watch(con, victim.sessionId, `v1-${Date.now()}`).catch(() => null));
    await eventually(() => before.stats.packets > 100, 20_000);

    // Let a few seals land, then pull the plug between two seal ticks.
    lostRecording = (await recordingsOf(victim.sessionId))[0]!.id;
    await eventually(async () => (await sealsOf(lostRecording)).length >= 4, 30_000);
    await new Promise((r) => setTimeout(r, 1_000));
    sealedBeforeKill = await sealsOf(lostRecording);
    const killedAt = Date.now();
    killed.kill();

    // The view on the dead node ends; the caller is told to publish again, and does.
    await con.next((m) => m.type === 'view.ended' && m.viewId === before.viewId, 15_000);
    await eventually(() => victim.republished === 1, 30_000);
    const republishedMs = Date.now() - killedAt;
    const survivor = victimNode === 'node-a' ? 'node-b' : 'node-a';
    expect(await nodeOf(victim.sessionId)).toBe(survivor);
    const recs = await recordingsOf(victim.sessionId);
    expect(recs.map((r) => r.media_node)).toEqual([victimNode, survivor]);

    // The officer watches again (the console asks again when the session is live again).
    await eventually(async () => (await s.c.sessions.summary(victim.sessionId)).publishing, 20_000);
    const after = await eventually(
      () => watch(con, victim.sessionId, `v2-${Date.now()}`).catch(() => null),
      20_000,
    );
    await eventually(() => after.stats.packets > 100, 20_000);
    const videoAgainMs = Date.now() - killedAt;
    process.stdout.write(
      `[media-nodes] node killed: caller republished on ${survivor} after ${republishedMs} ms; viewer receiving again after ${videoAgainMs} ms\n`,
    );
    // The call on the surviving node never noticed.
    expect(other.republished).toBe(0);
    expect(await nodeOf(other.sessionId)).toBe(survivor);
    before.close();
    after.close();
    con.close();
  });

  it('while the killed node stays dead, its open recording is reported lost in the audit trail, with what was sealed kept', async () => {
    const entry = await eventually(
      async () => {
        const [e] = await s.c.audit.list({
          limit: 10,
          action: 'recording.node_lost',
          subjectId: lostRecording,
        });
        return e;
      },
      (LOST_SECONDS + 15) * 1000,
    );
    const detail = entry.detail as {
      node: string;
      sessionId: string;
      sealed: Array<{ file: string; bytes: number }>;
    };
    expect(detail).toMatchObject({ node: killed.id, sessionId: victim.sessionId });
    // The seals written before the kill are all still there, unchanged.
    const seals = await sealsOf(lostRecording);
    expect(seals).toEqual(sealedBeforeKill);
    const lastByFile = new Map(seals.map((x) => [x.file_name, Number(x.offset)]));
    expect(new Map(detail.sealed.map((f) => [f.file, f.bytes]))).toEqual(lastByFile);
    // Exactly one entry, and the session's timeline says so too.
    expect(
      await s.c.audit.list({ limit: 10, action: 'recording.node_lost', subjectId: lostRecording }),
    ).toHaveLength(1);
    const detailPage = await s.c.sessions.detail(victim.sessionId);
    expect(detailPage.timeline.some((e) => e.type === 'recording.node_lost')).toBe(true);
  });

  it('when the killed node returns, it recovers the unsealed rest of its recording and stores it as evidence', async () => {
    await killed.start();
    const recovered = await eventually(async () => {
      const [e] = await s.c.audit.list({ limit: 10, action: 'evidence.recovered', subjectId: lostRecording });
      return e;
    }, 60_000);
    expect((recovered.detail as { recoveredBytes: number }).recoveredBytes).toBeGreaterThan(0);
    const rec = await eventually(async () => {
      const [r] = (await s.c.evidence.recordings(victim.sessionId)).filter((x) => x.id === lostRecording);
      return r?.state === 'stored' ? r : null;
    }, 60_000);
    expect(rec.recovered).toBe(true);
    const seals = await sealsOf(lostRecording);
    // What was sealed before the kill is the start of the chain; the tail is flagged recovered.
    expect(seals.slice(0, sealedBeforeKill.length)).toEqual(sealedBeforeKill);
    expect(seals.slice(sealedBeforeKill.length).every((x) => x.recovered === 1)).toBe(true);
    expect(seals.length).toBeGreaterThan(sealedBeforeKill.length);
    // Each stored master is exactly the file as finally sealed.
    const masters = (await s.c.evidence.list(victim.sessionId)).filter(
      (i) => i.kind === 'master' && i.recordingId === lostRecording,
    );
    expect(masters).toHaveLength(2);
    for (const m of masters) {
      const last = seals.filter((x) => x.file_name === m.fileName).at(-1)!;
      expect(m.sha256).toBe(last.prefix_sha256);
      expect(m.size).toBe(Number(last.offset));
    }
    // And the node takes rooms again.
    await eventually(() => s.c.nodes.healthy().length === 2, 20_000);
  });
});
