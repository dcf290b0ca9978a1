import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IntegrationApproval, IntegrationApprovalList, Role } from '@sightline/protocol';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import WebSocket from 'ws';
import type { Clock } from '../src/adapters/clock.js';
import { loadConfig } from '../src/config/config.js';
import { buildContainer, type Container } from '../src/container.js';
import { buildApp } from '../src/http/app.js';
import { createLogger } from '../src/lib/create-logger.js';
import { freshDatabase } from './test-db.js';

export interface TestServer {
  url: string;
  wsUrl: string;
  app: FastifyInstance;
  c: Container;
  dataDir: string;
  /** The database it uses: SQLite in dataDir, or its own PostgreSQL database (SIGHTLINE_TEST_DB=postgres). */
  databaseUrl: string;
  /** The SIGHTLINE_* settings it runs with, for a CLI run against the same deployment. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Real time plus an adjustable offset: `clock.t += days` moves the server into the future. */
export class TestClock implements Clock {
  #offset = 0;
  get t(): number {
    return Date.now() + this.#offset;
  }
  set t(value: number) {
    this.#offset = value - Date.now();
  }
  now() {
    return this.t;
  }
}

/**
 * Starts a real server with a real Janus, database and evidence store in a temp directory. The
 * database is SQLite in that directory, or with SIGHTLINE_TEST_DB=postgres a new database in the
 * tier's PostgreSQL cluster (dropped on close; pass SIGHTLINE_DATABASE_URL to share one). Must
 * run inside scripts/netns-run.sh so media never touches real interfaces.
 */
export async function startServer(
  opts: {
    env?: Record<string, string>;
    clock?: Clock;
    /** Receives the server's JSON log lines at info level, HTTP requests included (silent otherwise). */
    logTo?: { write(line: string): unknown };
  } = {},
): Promise<TestServer> {
  if (process.env.SIGHTLINE_IN_NETNS !== '1') {
    throw new Error('integration tests start Janus: run them through `npm test` or scripts/netns-run.sh');
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'sightline-int-'));
  const database = opts.env?.SIGHTLINE_DATABASE_URL ? null : await freshDatabase();
  const env: Record<string, string> = {
    ...(database ? { SIGHTLINE_DATABASE_URL: database.url } : {}),
    SIGHTLINE_DATA_DIR: dataDir,
    SIGHTLINE_PORT: '0',
    SIGHTLINE_JANUS_WS_PORT: '0',
    SIGHTLINE_MAP_TILE_URL: '',
    SIGHTLINE_MEDIA_IFACE: process.env.SIGHTLINE_MEDIA_IFACE ?? '',
    // Tests text one number from one officer many times; invites.int.test.ts sets and tests real limits.
    SIGHTLINE_INVITES_PER_NUMBER_HOUR: '10000',
    SIGHTLINE_INVITES_PER_OFFICER_MINUTE: '10000',
    SIGHTLINE_INVITES_PER_OFFICER_HOUR: '100000',
    ...opts.env,
  };
  const config = loadConfig(env);
  const log = opts.logTo
    ? createLogger('info', opts.logTo)
    : createLogger(process.env.SIGHTLINE_TEST_LOG ?? 'silent');
  const c = await buildContainer(config, log, opts.clock ? { clock: opts.clock } : {});
  const app = await buildApp(c, opts.logTo ? { logger: log } : {});
  await c.start();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const port = addr && typeof addr === 'object' ? addr.port : 0;
  // With SIGHTLINE_MEDIA=nodes there is no Janus here: the test starts media nodes itself.
  if (config.media.mode === 'embedded') await c.janus.connection.whenReady();
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    app,
    c,
    dataDir,
    databaseUrl: config.databaseUrl,
    env,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await c.stop();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface OfficerClient {
  id: string;
  cookie: string;
  csrf: string;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
}

let officerSeq = 0;

/** Creates an officer with `roles` and signs in over HTTP. */
export async function signIn(s: TestServer, roles: Role[]): Promise<OfficerClient> {
  const username = `officer${++officerSeq}`;
  const password = 'a-long-test-password';
  const view = await s.c.officers.create(
    { username, displayName: `Officer ${officerSeq}`, password, roles },
    { type: 'system' },
  );
  const res = await fetch(`${s.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = cookieFrom(res, 'sl_sid');
  return {
    id: view.id,
    cookie,
    csrf: csrfToken,
    request: (method, path, body, headers = {}) =>
      fetch(`${s.url}${path}`, {
        method,
        headers: {
          cookie,
          'x-csrf-token': csrfToken,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  };
}

export function cookieFrom(res: Response, name: string): string {
  const all = res.headers.getSetCookie();
  const line = all.find((l) => l.startsWith(`${name}=`));
  if (!line) throw new Error(`no ${name} cookie in ${JSON.stringify(all)}`);
  return line.split(';')[0]!;
}

/** Wraps an officer client so requests resolve to parsed JSON and throw on errors (for testkit helpers). */
export function jsonApi(o: OfficerClient) {
  return {
    async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await o.request(method, path, body);
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
  };
}

/** Stores a position fix for a session as the caller's phone would send it. */
export function addFix(
  s: TestServer,
  sessionId: string,
  lat: number,
  lon: number,
  accuracy = 10,
  fixTime = Date.now(),
) {
  return s.c.location.add(sessionId, {
    lat,
    lon,
    accuracy,
    altitude: null,
    altitudeAccuracy: null,
    heading: null,
    speed: null,
    fixTime,
  });
}

/** Sends an invite and returns the session id and link token (read from the response). */
export async function invite(_s: TestServer, officer: OfficerClient, phone = '07911 123456') {
  const res = await officer.request('POST', '/api/sessions', { phone, reference: 'CAD 1/28NOV' });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { session: { id: string }; link: string };
  return { sessionId: body.session.id, link: body.link, token: body.link.split('/j/')[1]! };
}

/** The phone's device-copy requests: one chunk (with its SHA-256), and the request to join a part. */
export function putDeviceCopyChunk(s: TestServer, cookie: string, part: string, seq: number, body: Buffer) {
  return fetch(`${s.url}/api/device-copy/${part}/${seq}`, {
    method: 'PUT',
    headers: {
      cookie,
      'content-type': 'application/octet-stream',
      'x-chunk-sha256': createHash('sha256').update(body).digest('hex'),
    },
    body,
  });
}

export function completeDeviceCopy(
  s: TestServer,
  cookie: string,
  part: string,
  chunks: number,
  mimeType = 'video/webm;codecs=vp8,opus',
) {
  return fetch(`${s.url}/api/device-copy/${part}/complete`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ chunks, mimeType }),
  });
}

/** Claims a link as the caller's phone would; returns the caller cookie. */
export async function openLink(s: TestServer, token: string, cookie?: string): Promise<Response> {
  return fetch(`${s.url}/api/join/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ token }),
  });
}

/** A caller who has claimed a link and opened the caller socket (its welcome and chat history already read). */
export async function connectCaller(s: TestServer, officer: OfficerClient) {
  const { sessionId, token } = await invite(s, officer);
  const cookie = cookieFrom(await openLink(s, token), 'sl_caller');
  const sock = await TestSocket.open(`${s.wsUrl}/ws/caller`, cookie);
  // The greeting is the welcome, then the chat history (after a database read).
  await sock.next((m) => m.type === 'chat.history');
  return { sessionId, cookie, sock };
}

/** A WebSocket that buffers incoming JSON so tests can await specific messages. */
export class TestSocket {
  readonly messages: Array<Record<string, unknown>> = [];
  #waiters: Array<() => void> = [];
  #cursor = 0;
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as Record<string, unknown>);
      for (const w of this.#waiters.splice(0)) w();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static open(url: string, cookie: string): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { cookie } });
      const sock = new TestSocket(ws);
      ws.once('open', () => resolve(sock));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /**
   * Resolves with the first message matching `pred` after the last one a previous
   * call returned (or after index `from`, to catch only replies to what you just sent).
   */
  async next(pred: (m: Record<string, unknown>) => boolean, timeoutMs = 10_000, from = this.#cursor) {
    const deadline = Date.now() + timeoutMs;
    let i = from;
    for (;;) {
      for (; i < this.messages.length; i++) {
        if (pred(this.messages[i]!)) {
          this.#cursor = i + 1;
          return this.messages[i]!;
        }
      }
      if (this.closed) throw new Error(`socket closed (${this.closed.code}) before the expected message`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; got ${JSON.stringify(this.messages.slice(from))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Waits for the socket to close; returns its code. */
  async closedWith(timeoutMs = 5_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (!this.closed) throw new Error('socket did not close');
    return this.closed.code;
  }

  close(): void {
    this.ws.close();
  }
}

/** Polls until `check` returns a truthy value. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false> | T,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A response's JSON body, after checking its status (the body is the failure message). */
export async function expectJson<T>(res: Response | Promise<Response>, status = 200): Promise<T> {
  const r = await res;
  const body = await r.text();
  expect(r.status, body).toBe(status);
  return JSON.parse(body) as T;
}

/**
 * A second admin approves the pending request for this API client or webhook endpoint (new
 * clients and endpoints, and widening changes, wait for one: docs/security.md).
 */
export async function approvePending(
  approver: OfficerClient,
  subjectId: string,
): Promise<IntegrationApproval> {
  const { approvals } = await expectJson<IntegrationApprovalList>(
    approver.request('GET', '/api/integration-approvals'),
  );
  const pending = approvals.find((a) => a.subjectId === subjectId && a.state === 'pending');
  if (!pending) throw new Error(`nothing waits for approval for ${subjectId}`);
  return expectJson<IntegrationApproval>(
    approver.request('POST', `/api/integration-approvals/${pending.id}/approve`, {
      reason: 'second admin checked',
    }),
  );
}

/** An officer's console socket, once the server has said hello. */
export async function openConsole(s: TestServer, o: OfficerClient): Promise<TestSocket> {
  const sock = await TestSocket.open(`${s.wsUrl}/ws/console`, o.cookie);
  await sock.next((m) => m.type === 'hello');
  return sock;
}

/** Sends a message and returns the error answering it (or null once a ping after it is answered). */
export async function errorAnswering(sock: TestSocket, msg: Record<string, unknown>) {
  const id = `m${Math.random()}`;
  const from = sock.messages.length;
  sock.send({ ...msg, id });
  sock.send({ type: 'ping', id: `after-${id}` });
  await sock.next((m) => m.type === 'pong', 10_000, from);
  return sock.messages.slice(from).find((m) => m.type === 'error' && m.ref === id) ?? null;
}

/** Requests an evidence export as `officer`, waits for it to finish, and returns the package's bytes. */
export async function exportPackage(
  officer: OfficerClient,
  sessionIds: string[],
  reason: string,
): Promise<Buffer> {
  const job = (await (await officer.request('POST', '/api/exports', { sessionIds, reason })).json()) as {
    id: string;
  };
  await eventually(async () => {
    const j = (await (await officer.request('GET', `/api/exports/${job.id}`)).json()) as {
      state: string;
      error: string | null;
    };
    if (j.state === 'failed') throw new Error(j.error ?? 'export failed');
    return j.state === 'done';
  }, 60_000);
  const res = await officer.request('GET', `/api/exports/${job.id}/download`);
  if (res.status !== 200) throw new Error(`export download: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}
