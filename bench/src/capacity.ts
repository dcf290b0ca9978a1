import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleClient } from '@sightline/testkit/console-client';
import {
  ensureClip,
  publisherOffer,
  ReceiveStats,
  RtpSource,
  viewerAnswer,
} from '@sightline/testkit/synthetic';
import WebSocket from 'ws';
import { findJanusLibDir } from '../../apps/server/src/adapters/janus/janus-config.js';
import { JanusConnection } from '../../apps/server/src/adapters/janus/janus-connection.js';
import { JanusSupervisor } from '../../apps/server/src/adapters/janus/janus-supervisor.js';
import { VideoRoomApi } from '../../apps/server/src/adapters/janus/videoroom.js';
import { silentLogger } from '../../apps/server/src/lib/logger.js';
import { findFreePort } from '../../apps/server/src/lib/ports.js';
import { childPid, meter } from './lib/proc.js';
import type { BenchResult, SummaryRow } from './lib/results.js';
import { createInvite, endSession, officerApi, startSightline } from './lib/sightline.js';
import { round } from './lib/stats.js';

const LEVELS = (process.env.BENCH_CAPACITY_LEVELS ?? '1,4,8,16').split(',').map(Number);
const VIEWERS = 2;
const WARMUP_MS = 4_000;
const MEASURE_MS = Number(process.env.BENCH_CAPACITY_MEASURE_MS ?? 10_000);
const TARGET_OVERHEAD = 1.1;

interface LevelResult {
  sessions: number;
  cpu: Record<string, { cpuPerSecond: number; peakRssMb: number }>;
  viewerKbps: number;
  lossPct: number;
}

/** Measures one plateau: warm up, then CPU/RSS of the given processes and what the viewers received. */
async function plateau(
  n: number,
  pids: Record<string, number>,
  viewers: ReceiveStats[],
): Promise<LevelResult> {
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const before = viewers.map((v) => v.snapshot());
  const m = meter(pids);
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  const { seconds, processes } = m.stop();
  const after = viewers.map((v) => v.snapshot());
  const kbps = after.map((a, i) => ((a.bytes - before[i]!.bytes) * 8) / seconds / 1000);
  const lost = after.reduce((s, a, i) => s + a.lost - before[i]!.lost, 0);
  const got = after.reduce((s, a, i) => s + a.packets - before[i]!.packets, 0);
  const r = {
    sessions: n,
    cpu: processes,
    viewerKbps: kbps.reduce((a, b) => a + b, 0) / kbps.length,
    lossPct: (100 * lost) / Math.max(1, got + lost),
  };
  process.stdout.write(
    `  ${n} sessions: ${Object.entries(processes)
      .map(([k, v]) => `${k} ${(v.cpuPerSecond * 100).toFixed(1)}% ${v.peakRssMb.toFixed(0)} MB`)
      .join(', ')}; viewer ${r.viewerKbps.toFixed(0)} kbit/s, loss ${r.lossPct.toFixed(2)}%\n`,
  );
  return r;
}

/** Sightline: synthetic callers through real invites, links, consent and signalling; viewers through the console socket. */
async function throughSightline(source: RtpSource): Promise<LevelResult[]> {
  const server = await startSightline({ SIGHTLINE_TRUST_PROXY: 'loopback', SIGHTLINE_LOG_LEVEL: 'warn' });
  const results: LevelResult[] = [];
  const closers: Array<() => void> = [];
  const viewers: ReceiveStats[] = [];
  const sessionIds: string[] = [];
  try {
    const api = await officerApi(server.url);
    const con = await ConsoleClient.open(server.url, api.cookie);
    const pids = { janus: childPid(server.process.pid!, 'janus'), server: server.process.pid! };
    for (const n of LEVELS) {
      while (sessionIds.length < n) {
        const i = sessionIds.length;
        const { sessionId, link } = await createInvite(api);
        sessionIds.push(sessionId);
        const ip = `10.200.${Math.floor(i / 250)}.${(i % 250) + 1}`;
        const res = await fetch(`${server.url}/api/join/open`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
          body: JSON.stringify({ token: link.split('/j/')[1] }),
        });
        const cookie = res.headers
          .getSetCookie()
          .find((c) => c.startsWith('sl_caller='))!
          .split(';')[0]!;
        const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/caller`, {
          headers: { cookie, 'x-forwarded-for': ip },
        });
        const inbox: Array<Record<string, unknown>> = [];
        ws.on('message', (d) => inbox.push(JSON.parse(d.toString()) as Record<string, unknown>));
        const next = async (type: string) => {
          for (;;) {
            const m = inbox.find((x) => x.type === type || x.type === 'error');
            if (m) {
              inbox.splice(inbox.indexOf(m), 1);
              if (m.type === 'error') throw new Error(`caller: ${String(m.code)}`);
              return m;
            }
            await new Promise((r) => setTimeout(r, 5));
          }
        };
        await next('welcome');
        ws.send(JSON.stringify({ type: 'consent', decision: 'accepted' }));
        await next('consent.recorded');
        const pub = await publisherOffer(source);
        const live = con.waitFor(
          (m) =>
            m.type === 'session.updated' &&
            (m.session as { id: string; publishing: boolean }).id === sessionId &&
            (m.session as { publishing: boolean }).publishing,
        );
        ws.send(JSON.stringify({ type: 'publish.offer', sdp: pub.sdp }));
        await pub.accept((await next('publish.answer')).sdp as string);
        await live;
        closers.push(
          () => pub.close(),
          () => ws.close(),
        );
        for (let v = 0; v < VIEWERS; v++) {
          const stats = new ReceiveStats();
          const offer = await con.request({ type: 'view.start', sessionId }, 'view.offer');
          const answer = await viewerAnswer(offer.sdp as string, stats);
          con.send({ type: 'view.answer', viewId: offer.viewId, sdp: answer.sdp });
          viewers.push(stats);
          closers.push(() => void answer.pc.close());
        }
      }
      results.push(await plateau(n, pids, viewers));
    }
    for (const id of sessionIds) await endSession(api, id);
    con.close();
  } finally {
    for (const c of closers) c();
    await server.stop();
  }
  return results;
}

/** The same load on a bare Janus driven directly over its API: no Sightline server at all. */
async function bareJanus(source: RtpSource): Promise<LevelResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-bare-janus-'));
  const port = await findFreePort();
  const sup = new JanusSupervisor(
    'janus',
    {
      dir: join(dir, 'cfg'),
      libDir: findJanusLibDir()!,
      wsPort: port,
      apiSecret: 'bench',
      adminKey: 'bench',
      rtpPortRange: '20000-40000',
      iceEnforceList: process.env.SIGHTLINE_MEDIA_IFACE ?? null,
      iceIgnoreList: null,
      nat1to1: null,
      stunServer: null,
      debugLevel: 4,
    },
    silentLogger,
  );
  const results: LevelResult[] = [];
  const closers: Array<() => void> = [];
  const viewers: ReceiveStats[] = [];
  let sessions = 0;
  await sup.start();
  const conn = new JanusConnection({
    url: `ws://127.0.0.1:${port}`,
    apiSecret: 'bench',
    logger: silentLogger,
  });
  try {
    await conn.start();
    const vr = new VideoRoomApi(conn, 'bench');
    const admin = await vr.attach('bench-admin');
    for (const n of LEVELS) {
      while (sessions < n) {
        const room = `bare-${sessions++}`;
        // The same room settings Sightline uses (videoroom.ts), recording included.
        await vr.createRoom(admin, {
          room,
          description: room,
          recDir: join(dir, 'rec', room),
          bitrate: 2_000_000,
          firFreq: 10,
        });
        const handle = await vr.attach('pub');
        const up = new Promise<void>((r) => handle.once('webrtcup', () => r()));
        const pub = await publisherOffer(source);
        const answer = await vr.publish(handle, {
          room,
          id: 'caller',
          display: 'caller',
          offer: { type: 'offer', sdp: pub.sdp },
          recordingBase: `rec-${room}`,
        });
        await pub.accept(answer.sdp);
        await up;
        closers.push(() => pub.close());
        for (let v = 0; v < VIEWERS; v++) {
          const stats = new ReceiveStats();
          const sub = await vr.attach('viewer');
          const offer = await vr.subscribe(sub, { room, feed: 'caller' });
          const ans = await viewerAnswer(offer.sdp, stats);
          await vr.start(sub, { type: 'answer', sdp: ans.sdp });
          viewers.push(stats);
          closers.push(() => void ans.pc.close());
        }
      }
      results.push(await plateau(n, { janus: sup.pid! }, viewers));
    }
  } finally {
    for (const c of closers) c();
    conn.close();
    await sup.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

/**
 * CPU per session: N synthetic callers (werift, looped 1.5 Mbit/s VP8 + Opus), each
 * with 2 viewers and recording on, through Sightline and through bare Janus.
 */
export async function capacity(): Promise<BenchResult> {
  const source = new RtpSource();
  await source.start(ensureClip());
  let sightline: LevelResult[];
  let bare: LevelResult[];
  try {
    process.stdout.write('  through Sightline:\n');
    sightline = await throughSightline(source);
    process.stdout.write('  bare Janus:\n');
    bare = await bareJanus(source);
  } finally {
    await source.stop();
  }
  const levels = sightline.map((s, i) => {
    const b = bare[i]!;
    const janus = s.cpu.janus!.cpuPerSecond;
    const srv = s.cpu.server!.cpuPerSecond;
    const bareJ = b.cpu.janus!.cpuPerSecond;
    return {
      sessions: s.sessions,
      janus_cpu_s_per_s: round(janus, 4),
      server_cpu_s_per_s: round(srv, 4),
      janus_peak_rss_mb: round(s.cpu.janus!.peakRssMb),
      server_peak_rss_mb: round(s.cpu.server!.peakRssMb),
      viewer_kbps: round(s.viewerKbps),
      viewer_loss_pct: round(s.lossPct, 3),
      bare_janus_cpu_s_per_s: round(bareJ, 4),
      bare_janus_peak_rss_mb: round(b.cpu.janus!.peakRssMb),
      bare_viewer_kbps: round(b.viewerKbps),
      bare_viewer_loss_pct: round(b.lossPct, 3),
      overhead_ratio: round((janus + srv) / bareJ, 3),
    };
  });
  const top = levels.at(-1)!;
  const perSession = ((top.janus_cpu_s_per_s ?? 0) + (top.server_cpu_s_per_s ?? 0)) / top.sessions;
  const sessionsPerCore = Math.floor(1 / perSession);
  const rows: SummaryRow[] = [
    {
      metric: `overhead ratio at ${top.sessions} sessions`,
      value: `${top.overhead_ratio} ((Janus ${top.janus_cpu_s_per_s} + server ${top.server_cpu_s_per_s}) / bare Janus ${top.bare_janus_cpu_s_per_s} CPU-s/s)`,
      target: `≤ ${TARGET_OVERHEAD}`,
      pass: (top.overhead_ratio ?? Infinity) <= TARGET_OVERHEAD,
    },
    {
      metric: 'CPU per session (Janus + server)',
      value: `${(perSession * 100).toFixed(2)}% of a core → about ${sessionsPerCore} sessions per core (2 viewers each, recording on)`,
    },
    {
      metric: 'viewer received / loss',
      value: levels.map((l) => `N=${l.sessions}: ${l.viewer_kbps} kbit/s, ${l.viewer_loss_pct}%`).join('; '),
    },
  ];
  return {
    name: 'capacity',
    json: {
      viewers_per_session: VIEWERS,
      recording: true,
      measure_seconds: MEASURE_MS / 1000,
      levels,
      overhead_ratio: top.overhead_ratio,
      cpu_per_session_core_fraction: round(perSession, 5),
      sessions_per_core_projected: sessionsPerCore,
      method:
        'CPU from /proc/<pid>/stat over the plateau; RSS peak sampled every 250 ms; viewers count RTP bytes and sequence gaps',
    },
    rows,
  };
}
