import {
  API_SCOPES,
  type ApiScope,
  CallerToServer,
  ConsoleToServer,
  type Role,
  Role as RoleSchema,
} from '@sightline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromSchema, type Hints, junk, Rng, toJsonSchema } from './fuzz/generate.js';
import {
  cookieFrom,
  invite,
  type OfficerClient,
  openLink,
  signIn,
  startServer,
  type TestServer,
  TestSocket,
} from './harness.js';

// A bounded, seeded fuzz run over every HTTP route and both sockets. Inputs are generated from
// the same zod schemas the server validates with, then mutated, so most reach the handlers
// rather than stopping at validation. The contract: no 5xx, no "internal" socket error, no
// crash. Set SIGHTLINE_FUZZ_SEED to replay a run, SIGHTLINE_FUZZ_SCALE to make it longer.
const SEED = Number(process.env.SIGHTLINE_FUZZ_SEED ?? 20261129);
const SCALE = Number(process.env.SIGHTLINE_FUZZ_SCALE ?? 1);
const HTTP_REQUESTS = Math.round(2400 * SCALE);
const SOCKET_MESSAGES = Math.round(1200 * SCALE);

let s: TestServer;
const officers = new Map<Role, OfficerClient>();
let sessionIds: string[] = [];
let caller: { sessionId: string; cookie: string };
const failures: string[] = [];
/** A machine client holding every scope, for the /api/v1 routes. */
let apiKey: string;
const CAD_HANDLER = 'fuzz-cad-handler';

beforeAll(async () => {
  s = await startServer();
  for (const role of RoleSchema.options) officers.set(role, await signIn(s, [role]));
  const handler = officers.get('call-handler')!;
  sessionIds = [];
  for (let i = 0; i < 3; i++) sessionIds.push((await invite(s, handler, `07911 12345${i}`)).sessionId);
  // Claimed before the HTTP run, which uses up this address's link claims.
  const link = await invite(s, handler, '07911 123499');
  caller = { sessionId: link.sessionId, cookie: cookieFrom(await openLink(s, link.token), 'sl_caller') };
  const admin = { type: 'officer' as const, id: officers.get('admin')!.id, name: 'Admin' };
  const scopes = Object.keys(API_SCOPES) as ApiScope[];
  apiKey = (await s.c.apiClients.create({ name: 'Fuzz CAD', scopes, ratePerMinute: 6000 }, admin, null)).key;
  await s.c.officers.create(
    {
      username: CAD_HANDLER,
      displayName: 'CAD handler',
      password: 'a-long-test-password',
      roles: ['call-handler'],
    },
    { type: 'system' },
  );
});
afterAll(() => s?.close());

function hintsFor(rng: Rng): Hints {
  return (key) => {
    if (rng.chance(0.25)) return undefined;
    if (/sessionId|^id$/i.test(key)) return rng.pick(sessionIds);
    if (/phone/i.test(key)) return rng.pick(['07911 123456', '+447911123456', '0207 946 0000']);
    if (/password/i.test(key)) return 'a-long-test-password';
    if (/^roles?$/i.test(key)) return rng.pick(RoleSchema.options);
    if (key === 'callHandler') return CAD_HANDLER;
    if (key === 'scopes') return [rng.pick(Object.keys(API_SCOPES))];
    return undefined;
  };
}

/** URLs cannot carry lone surrogates; swap any for '?' (bodies still get them). */
const wellFormed = (x: string) => x.replace(/[\uD800-\uDFFF]/g, '?');

function concretePath(rng: Rng, url: string): string {
  return url.replace(/:(\w+)|\*$/g, () => {
    const v = rng.chance(0.6)
      ? rng.pick(sessionIds)
      : rng.chance(0.5)
        ? crypto.randomUUID()
        : String(junk(rng));
    return encodeURIComponent(wellFormed(v));
  });
}

function queryString(rng: Rng, schema: unknown): string {
  const value = fromSchema(rng, toJsonSchema(schema), 0.2, hintsFor(rng));
  if (!value || typeof value !== 'object' || Array.isArray(value)) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(value))
    q.set(wellFormed(k), wellFormed(typeof v === 'string' ? v : (JSON.stringify(v) ?? '')));
  return `?${q}`;
}

let fresh = 0;
async function freshOfficer(role: Role): Promise<OfficerClient> {
  const username = `fuzz-${role}-${++fresh}`;
  const password = 'a-long-test-password';
  await s.c.officers.create({ username, displayName: username, password, roles: [role] }, { type: 'system' });
  // A generated request may have switched on "require MFA for local accounts" (a valid admin action);
  // these officers exist to fuzz other routes, so they sign in with a password alone.
  await s.c.db.deleteFrom('sign_in_settings').execute();
  const session = await s.c.auth.login(username, password, '127.0.0.1');
  const cookie = `sl_sid=${session.cookie}`;
  return {
    id: session.officer.id,
    cookie,
    csrf: session.csrfToken,
    request: (method, path, body) =>
      fetch(`${s.url}${path}`, {
        method,
        headers: { cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}

/** Waits until the server has answered everything sent: no new message for 1.5 s after a final ping. */
async function settled(sock: TestSocket): Promise<void> {
  sock.send({ type: 'ping', id: 'fuzz-end' });
  const deadline = Date.now() + 60_000;
  let seen = -1;
  while (sock.messages.length !== seen && Date.now() < deadline && !sock.closed) {
    seen = sock.messages.length;
    await new Promise((r) => setTimeout(r, 1500));
  }
}

describe('fuzzing every route and socket message', () => {
  it(`answers ${HTTP_REQUESTS} generated HTTP requests without a single 5xx`, async () => {
    const rng = new Rng(SEED);
    const routes = s.app.routePolicies.filter(
      (r) => r.url.startsWith('/api') && r.method !== 'HEAD' && r.method !== 'OPTIONS',
    );
    expect(routes.length).toBeGreaterThan(30);
    const statuses = new Map<number, number>();
    for (let i = 0; i < HTTP_REQUESTS; i++) {
      const route = rng.pick(routes);
      const schema = (route.schema ?? {}) as { body?: unknown; querystring?: unknown };
      const role = rng.pick(RoleSchema.options);
      const who = rng.chance(0.1) ? null : officers.get(role)!;
      const headers: Record<string, string> = who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {};
      // The machine API takes a client's key, mostly; sometimes a cookie, or a mangled key.
      if (route.url.startsWith('/api/v1/') && rng.chance(0.85))
        headers.authorization = `Bearer ${rng.chance(0.9) ? apiKey : `${apiKey.slice(0, -3)}${rng.pick(['abc', 'x', ''])}`}`;
      let body: string | undefined;
      if (route.method !== 'GET' && route.method !== 'DELETE') {
        if (rng.chance(0.1)) {
          body = `${JSON.stringify(junk(rng)) ?? ''}`.slice(0, 2000) + rng.pick(['{', '', '\u0000', ']']);
          headers['content-type'] = rng.pick([
            'application/json',
            'text/plain',
            'application/x-www-form-urlencoded',
          ]);
        } else {
          body = JSON.stringify(fromSchema(rng, toJsonSchema(schema.body), 0.15, hintsFor(rng)) ?? {});
          headers['content-type'] = 'application/json';
        }
      }
      const path = concretePath(rng, route.url) + queryString(rng, schema.querystring);
      const res = await fetch(`${s.url}${path}`, { method: route.method, headers, body });
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500)
        failures.push(`${route.method} ${path} (${role}) → ${res.status} ${text.slice(0, 200)}`);
      // A request that signed the officer out (logout, a role change) gets them a fresh sign-in.
      // Sign-in through the service: the fuzzed login route has used up this address's HTTP limit.
      if (who && res.status === 401) officers.set(role, await freshOfficer(role));
    }
    expect(failures).toEqual([]);
    // The run must have reached handlers, not only bounced off validation and auth.
    const ok = [...statuses].filter(([st]) => st < 300).reduce((n, [, c]) => n + c, 0);
    expect(ok).toBeGreaterThan(HTTP_REQUESTS / 10);
  });

  it(`answers ${SOCKET_MESSAGES} generated console socket messages per role without an internal error`, async () => {
    const rng = new Rng(SEED + 1);
    const types = ConsoleToServer.options;
    // The HTTP run may have signed some of them out; start from fresh sign-ins.
    for (const role of RoleSchema.options) officers.set(role, await freshOfficer(role));
    for (const role of RoleSchema.options) {
      const sock = await TestSocket.open(`${s.wsUrl}/ws/console`, officers.get(role)!.cookie);
      await sock.next((m) => m.type === 'hello');
      for (let i = 0; i < SOCKET_MESSAGES / RoleSchema.options.length; i++) {
        if (rng.chance(0.05)) sock.ws.send(Buffer.from([0, 1, 2, 255]), { binary: true });
        else if (rng.chance(0.08)) sock.send(JSON.stringify(junk(rng)));
        else sock.send(fromSchema(rng, toJsonSchema(rng.pick(types)), 0.12, hintsFor(rng)));
      }
      await settled(sock);
      const internal = sock.messages.filter((m) => m.type === 'error' && m.code === 'internal');
      expect(internal, `console socket as ${role}`).toEqual([]);
      expect(sock.closed, `console socket as ${role} stays open`).toBeNull();
      sock.close();
    }
  });

  it(`answers ${SOCKET_MESSAGES} generated caller socket messages without an internal error`, async () => {
    const rng = new Rng(SEED + 2);
    // Stopping or refusing ends the session and closes the socket, which is right but ends the run.
    const types = CallerToServer.options.filter((t) => !['stop', 'consent'].includes(t.shape.type.value));
    const handler = await freshOfficer('call-handler');
    const { sessionId, cookie } = caller;
    const sock = await TestSocket.open(`${s.wsUrl}/ws/caller`, cookie);
    await sock.next((m) => m.type === 'welcome');
    sock.send({ type: 'consent', id: 'c1', decision: 'accepted' });
    await sock.next((m) => m.type === 'consent.recorded');
    const hints = hintsFor(rng);
    for (let i = 0; i < SOCKET_MESSAGES; i++) {
      if (rng.chance(0.05)) sock.ws.send(Buffer.from([0, 1, 2, 255]), { binary: true });
      else if (rng.chance(0.08)) sock.send(JSON.stringify(junk(rng)));
      else sock.send(fromSchema(rng, toJsonSchema(rng.pick(types)), 0.12, hints));
    }
    await settled(sock);
    expect(sock.messages.filter((m) => m.type === 'error' && m.code === 'internal')).toEqual([]);
    expect(sock.closed).toBeNull();
    sock.close();
    // The server and its media server still work: the session is readable and Janus is up.
    const res = await handler.request('GET', `/api/sessions/${sessionId}`);
    expect(res.status).toBe(200);
    expect(s.c.plane.status.state).toBe('up');
  });
});
