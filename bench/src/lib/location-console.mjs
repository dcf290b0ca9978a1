// The console side of the location benchmark, in its own process so the 200 simulated
// callers' event loop cannot delay when a fix is seen to arrive. Watches the given sessions,
// records (arrival time − fixTime) for every relayed fix, prints JSON on SIGTERM.
import WebSocket from 'ws';

const [url, cookie, ...sessions] = process.argv.slice(2);
const latencies = [];
let received = 0;
const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/console`, { headers: { cookie } });
ws.on('open', () => {
  for (const sessionId of sessions) ws.send(JSON.stringify({ type: 'watch', sessionId }));
  process.stdout.write('ready\n');
});
ws.on('message', (data) => {
  const at = Date.now();
  const msg = JSON.parse(data.toString());
  if (msg.type !== 'location.fix') return;
  received++;
  if (process.env.RECORDING === '1' || recording) latencies.push(at - msg.fix.fixTime);
});
let recording = false;
process.on('SIGUSR1', () => {
  recording = true;
});
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ latencies, received })}\n`);
  process.exit(0);
});
