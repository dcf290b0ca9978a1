// The officer console of the cluster location benchmark, in its own process so the 1,000
// simulated callers' event loop cannot delay when a fix is seen to arrive. Connected to one
// instance; driven by JSON lines on stdin, answering with JSON lines on stdout:
//   {"watch":true}          watch every session; answers {"covered":n} once each has sent a fix
//   {"unwatch":true}        stop watching; answers {"unwatched":n}
//   {"window":[from,to]}    record (arrival − fixTime) of fixes stamped in [from, to); answers
//                           {"result":{…}} GRACE_MS after `to`, so late fixes still count.
//                           Windows may follow each other at once: each keeps its own fixes.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const [url, cookie, sessionList] = process.argv.slice(2);
const sessions = sessionList.split(',');
const GRACE_MS = 3_000;
const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

let seen = null; // sessions heard from since the last watch, until all have been
const windows = new Set();
const loop = monitorEventLoopDelay({ resolution: 5 });

const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/console`, { headers: { cookie } });
ws.on('error', (err) => {
  process.stderr.write(`console: ${err.message}\n`);
  process.exit(1);
});
ws.on('close', (code) => {
  process.stderr.write(`console: socket closed (${code})\n`);
  process.exit(1);
});
ws.on('open', () => say({ open: true }));
ws.on('message', (data) => {
  const at = Date.now();
  const msg = JSON.parse(data.toString());
  if (msg.type === 'error') process.stderr.write(`console: ${data}\n`);
  if (msg.type !== 'location.fix') return;
  if (seen) {
    seen.add(msg.sessionId);
    if (seen.size === sessions.length) {
      seen = null;
      say({ covered: sessions.length });
    }
  }
  const t = msg.fix.fixTime;
  for (const w of windows) if (t >= w.from && t < w.to) w.latencies.push(at - t);
});

createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line);
  if (cmd.watch) {
    seen = new Set();
    for (const sessionId of sessions) ws.send(JSON.stringify({ type: 'watch', sessionId }));
  } else if (cmd.unwatch) {
    for (const sessionId of sessions) ws.send(JSON.stringify({ type: 'unwatch', sessionId }));
    say({ unwatched: sessions.length });
  } else if (cmd.window) {
    const [from, to] = cmd.window;
    const w = { from, to, latencies: [] };
    windows.add(w);
    loop.reset();
    loop.enable();
    // The event loop's delay is read at the window's end, the fixes after the grace.
    let loopDelayP99Ms = 0;
    setTimeout(
      () => {
        loopDelayP99Ms = loop.percentile(99) / 1e6;
      },
      Math.max(0, to - Date.now()),
    );
    setTimeout(
      () => {
        windows.delete(w);
        say({ result: { latencies: w.latencies, loopDelayP99Ms } });
      },
      Math.max(0, to + GRACE_MS - Date.now()),
    );
  }
});
process.stdin.on('end', () => process.exit(0));
