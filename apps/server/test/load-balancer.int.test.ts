import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Haproxy, startHaproxy } from '@sightline/testkit/engines/haproxy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * The load balancer of the cluster topology (Debian's HAProxy, configured by testkit's
 * engines/haproxy), in front of two stand-in instances that say who they are. What a caller's
 * page and a console rely on: WebSockets pass through, an instance that dies closes its
 * clients' sockets at once, their reconnects land on the other instance without an error, and
 * an instance whose health check fails gets no traffic though it still accepts connections.
 */

interface Stand {
  name: string;
  port: number;
  healthy: boolean;
  server: Server;
  sockets: WebSocketServer;
}

async function standIn(name: string): Promise<Stand> {
  const stand = { name, healthy: true } as Stand;
  stand.server = createServer((req, res) => {
    if (req.url === '/healthz') res.writeHead(stand.healthy ? 200 : 503);
    res.end(name);
  });
  stand.sockets = new WebSocketServer({ server: stand.server });
  stand.sockets.on('connection', (ws) => ws.send(name));
  await new Promise<void>((r) => stand.server.listen(0, '127.0.0.1', r));
  stand.port = (stand.server.address() as AddressInfo).port;
  return stand;
}

/** Stops a stand-in as SIGKILL would: every connection reset, nothing answers on its port. */
async function crash(s: Stand): Promise<void> {
  for (const c of s.sockets.clients) c.terminate();
  s.server.closeAllConnections();
  await new Promise((r) => s.server.close(r));
}

async function restart(s: Stand): Promise<void> {
  await new Promise<void>((r) => s.server.listen(s.port, '127.0.0.1', r));
}

const whoAnswers = async (url: string) => (await fetch(url)).text();

/** Opens a WebSocket through the balancer; resolves with the instance that greeted it. */
function connect(url: string): Promise<{ ws: WebSocket; on: string }> {
  return new Promise((res, rej) => {
    const ws = new WebSocket(url.replace('http', 'ws'));
    ws.once('message', (d) => res({ ws, on: String(d) }));
    ws.once('error', rej);
  });
}

let dir: string;
let a: Stand;
let b: Stand;
let lb: Haproxy;
const open: WebSocket[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'haproxy-'));
  a = await standIn('a');
  b = await standIn('b');
  lb = await startHaproxy({
    dir,
    backends: [
      { name: 'a', port: a.port },
      { name: 'b', port: b.port },
    ],
  });
  await lb.waitFor('a', 'UP');
  await lb.waitFor('b', 'UP');
});
afterEach(() => {
  for (const ws of open.splice(0)) ws.terminate();
});
afterAll(async () => {
  await lb?.stop();
  for (const s of [a, b]) if (s?.server.listening) await crash(s);
  await rm(dir, { recursive: true, force: true });
});

describe('load balancer', () => {
  it('spreads WebSockets over both instances', async () => {
    const first = await connect(lb.url);
    const second = await connect(lb.url);
    open.push(first.ws, second.ws);
    expect(new Set([first.on, second.on])).toEqual(new Set(['a', 'b']));
  });

  it("a dead instance's sockets close at once, and every reconnect and request lands on the other", async () => {
    // Both clients on A (B drained), as when the instance they are on is the one that dies.
    await lb.setState('b', 'drain');
    const clients = [await connect(lb.url), await connect(lb.url)];
    open.push(...clients.map((c) => c.ws));
    expect(clients.map((c) => c.on)).toEqual(['a', 'a']);
    await lb.setState('b', 'ready');

    const closed = clients.map((c) => new Promise<number>((r) => c.ws.once('close', r)));
    await crash(a);
    expect(await Promise.all(closed)).toHaveLength(2);
    // Straight away, before a health check has run: a refused connection is redispatched, not a 503.
    const again = await connect(lb.url);
    open.push(again.ws);
    expect(again.on).toBe('b');
    for (let i = 0; i < 4; i++) expect(await whoAnswers(lb.url)).toBe('b');
    await lb.waitFor('a', 'DOWN');

    // Back, it takes new connections again.
    await restart(a);
    await lb.waitFor('a', 'UP');
    const answers = new Set<string>();
    for (let i = 0; i < 6; i++) answers.add(await whoAnswers(lb.url));
    expect(answers).toContain('a');
  });

  it("keeps each caller's upload and device-copy requests on one instance, and moves them when it is down", async () => {
    const as = (caller: string, path: string) =>
      fetch(`${lb.url}${path}`, { headers: { cookie: `sl_caller=${caller}` } }).then((r) => r.text());
    // Every piece of one caller's copy reaches the same spool, while other requests go round.
    const homes = new Map<string, string>();
    for (let i = 0; i < 12; i++) {
      const caller = `caller-${i}`;
      const seen = new Set<string>();
      for (let seq = 0; seq < 4; seq++) {
        seen.add(await as(caller, `/api/device-copy/part-abc123/${seq}`));
        seen.add(await as(caller, '/api/uploads/u1'));
      }
      expect(seen.size).toBe(1);
      homes.set(caller, [...seen][0]!);
    }
    expect(new Set(homes.values())).toEqual(new Set(['a', 'b'])); // callers are spread
    const other = new Set<string>();
    for (let i = 0; i < 4; i++) other.add(await as('caller-0', '/api/chat'));
    expect(other).toEqual(new Set(['a', 'b']));

    // B down: B's callers go to A (their chunks so far wait in B's spool); A's stay where they are.
    b.healthy = false;
    await lb.waitFor('b', 'DOWN');
    for (const caller of homes.keys()) expect(await as(caller, '/api/device-copy/part-abc123/9')).toBe('a');
    b.healthy = true;
    await lb.waitFor('b', 'UP');
    for (const [caller, home] of homes) expect(await as(caller, '/api/device-copy/part-abc123/9')).toBe(home);
  });

  it('an instance failing its health check gets nothing, though it still accepts connections', async () => {
    b.healthy = false;
    await lb.waitFor('b', 'DOWN');
    for (let i = 0; i < 6; i++) expect(await whoAnswers(lb.url)).toBe('a');
    const ws = await connect(lb.url);
    open.push(ws.ws);
    expect(ws.on).toBe('a');
    b.healthy = true;
    await lb.waitFor('b', 'UP');
  });
});
