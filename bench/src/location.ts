import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type WebSocket from 'ws';
import { connectCaller } from './lib/caller-socket.js';
import { childPid, meter } from './lib/proc.js';
import type { BenchResult } from './lib/results.js';
import { createInvite, officerApi, startSightline } from './lib/sightline.js';
import { round, summarise } from './lib/stats.js';

const CALLERS = Number(process.env.BENCH_LOCATION_CALLERS ?? 200);
const WARMUP_S = 5;
const MEASURE_S = Number(process.env.BENCH_LOCATION_SECONDS ?? 45);
const TARGET_P95_MS = 50;
const RECEIVER = fileURLToPath(new URL('./lib/location-console.mjs', import.meta.url));

/**
 * 200 simulated callers each send one fix a second over real WebSockets; a console
 * in a separate process watches all of them. Latency = console arrival − fix send time.
 */
export async function location(): Promise<BenchResult> {
  // Behind a proxy each phone has its own address; trusting X-Forwarded-For lets the
  // per-address rate limits see 200 phones rather than one.
  const server = await startSightline({ SIGHTLINE_TRUST_PROXY: 'loopback', SIGHTLINE_LOG_LEVEL: 'warn' });
  let result: { latencies: number[]; received: number } = { latencies: [], received: 0 };
  let sent = 0;
  let cpu: ReturnType<ReturnType<typeof meter>['stop']> | null = null;
  const sockets: WebSocket[] = [];
  try {
    const api = await officerApi(server.url);
    const invites = [];
    for (let i = 0; i < CALLERS; i++) invites.push(await createInvite(api));
    for (let i = 0; i < CALLERS; i++) sockets.push(await connectCaller(server.url, invites[i]!.link, i));
    const receiver = spawn('node', [RECEIVER, server.url, api.cookie, ...invites.map((x) => x.sessionId)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    receiver.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    while (!out.includes('ready')) await new Promise((r) => setTimeout(r, 50));
    let recording = false;
    const timers = sockets.map((ws, i) =>
      setTimeout(
        () => {
          const tick = () => {
            const fix = {
              lat: 51.5 + i * 1e-4,
              lon: -0.12 + Math.random() * 1e-4,
              accuracy: 5,
              altitude: null,
              altitudeAccuracy: null,
              heading: null,
              speed: null,
              fixTime: Date.now(),
            };
            ws.send(JSON.stringify({ type: 'location.fix', fix }));
            if (recording) sent++;
          };
          tick();
          timers[i] = setInterval(tick, 1000);
        },
        (i * 1000) / CALLERS,
      ),
    );
    await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
    recording = true;
    receiver.kill('SIGUSR1');
    const m = meter({ server: server.process.pid!, janus: childPid(server.process.pid!, 'janus') });
    await new Promise((r) => setTimeout(r, MEASURE_S * 1000));
    cpu = m.stop();
    recording = false;
    for (const t of timers) clearInterval(t);
    const done = new Promise((r) => receiver.once('exit', r));
    receiver.kill('SIGTERM');
    await done;
    result = JSON.parse(out.split('\n').find((l) => l.startsWith('{')) ?? '{}') as typeof result;
  } finally {
    for (const ws of sockets) ws.close();
    await server.stop();
  }
  const s = summarise(result.latencies);
  const serverCpu = cpu?.processes.server?.cpuPerSecond ?? Number.NaN;
  return {
    name: 'location',
    json: {
      callers: CALLERS,
      seconds: MEASURE_S,
      p50_ms: s.p50,
      p95_ms: s.p95,
      p99_ms: s.p99,
      max_ms: s.max,
      fixes_sent: sent,
      fixes_measured: result.latencies.length,
      server_cpu_seconds_per_second: round(serverCpu, 3),
      server_peak_rss_mb: round(cpu?.processes.server?.peakRssMb ?? Number.NaN),
      method:
        'fixTime stamped just before send; console (separate process) subtracts it from arrival; Date.now() on one machine',
    },
    rows: [
      {
        metric: `location fix → console p95 (${CALLERS} callers, 1 Hz)`,
        value: `${s.p95} ms (p50 ${s.p50}, p99 ${s.p99}; ${result.latencies.length} fixes)`,
        target: `≤ ${TARGET_P95_MS} ms`,
        pass: (s.p95 ?? Infinity) <= TARGET_P95_MS,
      },
      { metric: 'location: server CPU', value: `${round(serverCpu * 100)}% of one core` },
    ],
  };
}
