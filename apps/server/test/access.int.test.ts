import {
  API_SCOPES,
  type ApiScope,
  CONSOLE_MESSAGE_PERMISSIONS,
  type ConsoleToServer,
  type Role,
  Role as RoleSchema,
} from '@sightline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, PERMISSIONS, type Permission } from '../src/auth/permissions.js';
import { PUBLIC_DOCUMENT_URL, REFERENCE_PAGE_PREFIX } from '../src/http/openapi/openapi-document.js';
import { consoleMessageTypes } from '../src/signalling/console-policy.js';
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

let s: TestServer;
const byRoles = new Map<string, OfficerClient>();

beforeAll(async () => {
  s = await startServer();
  for (const role of RoleSchema.options) byRoles.set(role, await signIn(s, [role]));
});
afterAll(() => s?.close());

const officerFor = (roles: Role[]) => byRoles.get(roles[0]!)!;
const UUID = '00000000-0000-4000-8000-000000000000';
const concrete = (url: string) => url.replace(/:id\b/g, UUID).replace(/\*$/, 'x');

describe('every route declares and enforces its access policy', () => {
  it('has a policy on every /api and /ws route', () => {
    const missing = s.app.routePolicies.filter(
      (r) => (r.url.startsWith('/api') || r.url.startsWith('/ws')) && !r.auth,
    );
    expect(missing).toEqual([]);
    // Sanity: the table is real, not empty.
    expect(s.app.routePolicies.filter((r) => r.auth && 'permission' in r.auth).length).toBeGreaterThan(8);
  });

  const officerRoutes = () =>
    s.app.routePolicies.filter(
      (r) => r.auth && 'officer' in r.auth && r.method !== 'HEAD' && !r.url.startsWith('/ws'),
    );

  it('refuses every officer route without a session (401)', async () => {
    for (const r of officerRoutes()) {
      const res = await fetch(`${s.url}${concrete(r.url)}`, { method: r.method });
      expect(res.status, `${r.method} ${r.url}`).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    }
  });

  it('refuses every permissioned route to each role that lacks the permission (403)', async () => {
    let checked = 0;
    for (const r of officerRoutes()) {
      const permission = (r.auth as { permission?: Permission }).permission;
      if (!permission) continue;
      for (const role of RoleSchema.options) {
        if (can([role], permission)) continue;
        const res = await officerFor([role]).request(
          r.method,
          concrete(r.url),
          r.method === 'GET' ? undefined : {},
        );
        expect(res.status, `${role} → ${r.method} ${r.url}`).toBe(403);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('lets each role through where the policy allows (not 401/403)', async () => {
    for (const [permission, roles] of Object.entries(PERMISSIONS)) {
      const route = officerRoutes().find(
        (r) => (r.auth as { permission?: string }).permission === permission && r.method === 'GET',
      );
      if (!route) continue;
      for (const role of roles) {
        const res = await officerFor([role as Role]).request('GET', concrete(route.url));
        expect([401, 403], `${role} → GET ${route.url}`).not.toContain(res.status);
      }
    }
  });

  it('guards incident shares with share:manage, and refuses the roles that may only read the incident', async () => {
    const policies = s.app.routePolicies.filter(
      (r) => r.url === '/api/incidents/:id/shares' && r.method !== 'HEAD',
    );
    expect(policies.map((r) => [r.method, (r.auth as { permission?: string }).permission]).sort()).toEqual([
      ['GET', 'share:manage'],
      ['POST', 'share:manage'],
    ]);
    const body = { officerIds: [UUID], durationSeconds: 3600 };
    for (const role of ['dpo', 'field-officer', 'admin'] as const) {
      expect((await officerFor([role]).request('POST', `/api/incidents/${UUID}/shares`, body)).status).toBe(
        403,
      );
      expect((await officerFor([role]).request('GET', `/api/incidents/${UUID}/shares`)).status).toBe(403);
    }
    // Allowed through to the service (no such incident), not refused.
    for (const role of ['call-handler', 'supervisor'] as const)
      expect((await officerFor([role]).request('GET', `/api/incidents/${UUID}/shares`)).status).toBe(404);
  });

  const clientRoutes = () =>
    s.app.routePolicies.filter((r) => r.auth && 'client' in r.auth && r.method !== 'HEAD');
  /** A machine client of /api/v1 holding `scopes` (created as an admin would). */
  const clientKey = async (scopes: ApiScope[]) => {
    const k = await s.c.apiClients.create(
      { name: 'Access test', scopes, ratePerMinute: 6000 },
      adminActor(),
      null,
    );
    // A new client works only once a second admin approves it.
    const pending = await s.c.approvals.pendingFor('api-client', k.clientId);
    await s.c.approvals.approve(
      pending!.id,
      'access test',
      { type: 'officer', id: 'second', name: 'B' },
      null,
    );
    return k.key;
  };
  const adminActor = () => ({ type: 'officer' as const, id: officerFor(['admin']).id, name: 'Admin' });
  const asClient = (key: string, method: string, url: string) =>
    fetch(`${s.url}${concrete(url)}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(method === 'GET' ? {} : { body: '{}' }),
    });

  it('puts every /api/v1 route but the token endpoint and the API reference behind a client scope, and no officer route there', () => {
    const v1 = s.app.routePolicies.filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD');
    // Public on purpose: the token endpoint (it authenticates the client itself) and the API's
    // own description, read-only (the document and the reference page's static files).
    const openByDesign = (r: (typeof v1)[number]) =>
      r.url === '/api/v1/oauth/token' ||
      (r.method === 'GET' &&
        (r.url === PUBLIC_DOCUMENT_URL ||
          r.url === REFERENCE_PAGE_PREFIX ||
          r.url.startsWith(`${REFERENCE_PAGE_PREFIX}/`)));
    expect(v1.filter((r) => !(r.auth && 'client' in r.auth) && !openByDesign(r))).toEqual([]);
    expect(v1.filter(openByDesign).every((r) => r.auth && 'public' in r.auth)).toBe(true);
    expect(
      clientRoutes()
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
    ).toEqual([
      'GET /api/v1/incidents/:id',
      'GET /api/v1/sessions/:id',
      'POST /api/v1/invites',
      'POST /api/v1/sessions/:id/end',
    ]);
    expect(clientRoutes().every((r) => r.url.startsWith('/api/v1/'))).toBe(true);
  });

  it('refuses officer cookies on every /api/v1 route, and client keys on every officer route (401)', async () => {
    for (const r of clientRoutes()) {
      for (const role of RoleSchema.options) {
        const res = await officerFor([role]).request(
          r.method,
          concrete(r.url),
          r.method === 'GET' ? undefined : {},
        );
        expect(res.status, `${role} cookie → ${r.method} ${r.url}`).toBe(401);
      }
    }
    const key = await clientKey(Object.keys(API_SCOPES) as ApiScope[]);
    for (const r of officerRoutes()) {
      const res = await asClient(key, r.method, r.url);
      expect(res.status, `client key → ${r.method} ${r.url}`).toBe(401);
    }
  });

  it('refuses each /api/v1 route to a client lacking its scope (403 naming it), and lets one holding it through', async () => {
    for (const r of clientRoutes()) {
      const scope = (r.auth as { scope: ApiScope }).scope;
      const others = (Object.keys(API_SCOPES) as ApiScope[]).filter((x) => x !== scope);
      const refused = await asClient(await clientKey(others), r.method, r.url);
      expect(refused.status, `${r.method} ${r.url} without ${scope}`).toBe(403);
      expect(((await refused.json()) as { error: { fields: unknown } }).error.fields).toEqual({ scope });
      const allowed = await asClient(await clientKey([scope]), r.method, r.url);
      expect([401, 403], `${r.method} ${r.url} with ${scope}`).not.toContain(allowed.status);
    }
  });

  it('guards every webhook route with webhook:manage, which only admins hold', async () => {
    const policies = s.app.routePolicies.filter(
      (r) => r.url.startsWith('/api/webhooks') && r.method !== 'HEAD',
    );
    expect(
      policies.map((r) => `${r.method} ${r.url} ${(r.auth as { permission?: string }).permission}`).sort(),
    ).toEqual([
      'GET /api/webhooks webhook:manage',
      'GET /api/webhooks/deliveries webhook:manage',
      'POST /api/webhooks webhook:manage',
      'POST /api/webhooks/:id/rotate-secret webhook:manage',
      'POST /api/webhooks/deliveries/:id/retry webhook:manage',
      'PUT /api/webhooks/:id webhook:manage',
    ]);
    const body = { url: 'https://cad.example/hook', events: ['session.opened'] };
    for (const role of ['call-handler', 'supervisor', 'dpo', 'field-officer'] as const) {
      expect((await officerFor([role]).request('GET', '/api/webhooks')).status).toBe(403);
      expect((await officerFor([role]).request('POST', '/api/webhooks', body)).status).toBe(403);
    }
    expect((await officerFor(['admin']).request('GET', '/api/webhooks')).status).toBe(200);
    // Through to the service: no such delivery.
    expect(
      (await officerFor(['admin']).request('POST', `/api/webhooks/deliveries/${UUID}/retry`)).status,
    ).toBe(404);
  });

  it('refuses state-changing requests without the CSRF token', async () => {
    const handler = officerFor(['call-handler']);
    const res = await handler.request(
      'POST',
      '/api/sessions',
      { phone: '07911 123456' },
      { 'x-csrf-token': 'wrong' },
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
  });

  it('refuses a caller cookie where an officer is required, and an officer cookie on the caller socket', async () => {
    const handler = officerFor(['call-handler']);
    const { sessionId } = await invite(s, handler);
    const res = await fetch(`${s.url}/api/sessions/${sessionId}`, {
      headers: { cookie: 'sl_caller=whatever' },
    });
    expect(res.status).toBe(401);
  });

  it('lets admins create officers and nobody else', async () => {
    const body = {
      username: 'newbie',
      displayName: 'New Officer',
      password: 'long-enough-password',
      roles: ['call-handler'],
    };
    expect((await officerFor(['supervisor']).request('POST', '/api/officers', body)).status).toBe(403);
    expect((await officerFor(['admin']).request('POST', '/api/officers', body)).status).toBe(201);
    const dup = await officerFor(['admin']).request('POST', '/api/officers', body);
    expect(dup.status).toBe(409);
    const weak = await officerFor(['admin']).request('POST', '/api/officers', {
      ...body,
      username: 'weak',
      password: 'short',
    });
    expect(weak.status).toBe(400);
    expect(
      ((await weak.json()) as { error: { fields: Record<string, string> } }).error.fields,
    ).toHaveProperty('password');
  });

  it('refuses oversized request bodies with a clear code', async () => {
    const res = await officerFor(['call-handler']).request('POST', '/api/sessions', {
      phone: '0'.repeat(300 * 1024),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('message_too_large');
  });

  it('has no AML intake unless a secret or client CA is configured (404, like /metrics)', async () => {
    const res = await fetch(`${s.url}/api/aml`, { method: 'POST', body: 'v=1' });
    expect(res.status).toBe(404);
  });

  it('signs out: the old cookie stops working', async () => {
    const officer = await signIn(s, ['call-handler']);
    expect((await officer.request('GET', '/api/auth/me')).status).toBe(200);
    expect((await officer.request('POST', '/api/auth/logout')).status).toBe(200);
    expect((await officer.request('GET', '/api/auth/me')).status).toBe(401);
    const audit = await s.c.audit.list({ limit: 20, subjectId: officer.id });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['auth.login', 'auth.logout']));
  });

  it('publishes an OpenAPI document built from the route schemas', async () => {
    const res = await officerFor(['call-handler']).request('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/sessions', '/api/sessions/{id}/end']),
    );
  });

  it('records failed sign-ins without saying whether the username exists', async () => {
    const bad = (username: string) =>
      fetch(`${s.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'wrong-password-here' }),
      });
    const unknown = await bad('nobody-by-this-name');
    const known = await bad('officer1');
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual(await known.json());
    const failures = await s.c.audit.list({ limit: 50, action: 'auth.login_failed' });
    expect(failures.length).toBeGreaterThanOrEqual(2);
  });
});

/** One valid message of every type the console may send (a missing type fails the type check). */
const NO_SUCH = '00000000-0000-4000-8000-00000000dead';
const SDP = 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const CONSOLE_SAMPLES: { [T in ConsoleToServer['type']]: Extract<ConsoleToServer, { type: T }> } = {
  watch: { type: 'watch', sessionId: NO_SUCH },
  unwatch: { type: 'unwatch', sessionId: NO_SUCH },
  'view.start': { type: 'view.start', sessionId: NO_SUCH },
  'view.answer': { type: 'view.answer', viewId: NO_SUCH, sdp: SDP },
  'view.candidate': { type: 'view.candidate', viewId: NO_SUCH, candidate: null },
  'view.stop': { type: 'view.stop', viewId: NO_SUCH },
  'view.layer': { type: 'view.layer', viewId: NO_SUCH, layer: 'low' },
  ping: { type: 'ping' },
  'chat.send': { type: 'chat.send', sessionId: NO_SUCH, clientId: 'client-1', text: 'hello' },
  'chat.receipt': { type: 'chat.receipt', sessionId: NO_SUCH, ids: ['x'], state: 'read' },
  'request.send': { type: 'request.send', sessionId: NO_SUCH, action: 'torch-on' },
  'officer.publish.offer': { type: 'officer.publish.offer', sessionId: NO_SUCH, sdp: SDP },
  'officer.publish.candidate': { type: 'officer.publish.candidate', sessionId: NO_SUCH, candidate: null },
  'officer.publish.stop': { type: 'officer.publish.stop', sessionId: NO_SUCH },
  'interpreter-view.start': { type: 'interpreter-view.start', sessionId: NO_SUCH },
  'interpreter-view.answer': { type: 'interpreter-view.answer', sessionId: NO_SUCH, sdp: SDP },
  'interpreter-view.candidate': { type: 'interpreter-view.candidate', sessionId: NO_SUCH, candidate: null },
  'interpreter-view.stop': { type: 'interpreter-view.stop', sessionId: NO_SUCH },
  'field.position': {
    type: 'field.position',
    shareId: NO_SUCH,
    fix: {
      lat: 51.5,
      lon: -0.1,
      accuracy: 10,
      altitude: null,
      altitudeAccuracy: null,
      heading: null,
      speed: null,
      fixTime: 1,
    },
  },
};

describe('every console socket message declares and enforces its permission', () => {
  it('has a permission entry for every message type the socket accepts', () => {
    const types = consoleMessageTypes();
    expect(types.filter((t) => !Object.hasOwn(CONSOLE_MESSAGE_PERMISSIONS, t))).toEqual([]);
    expect(Object.keys(CONSOLE_SAMPLES).sort()).toEqual([...types].sort());
  });

  it('answers "forbidden" to each role lacking a message\'s permission, and only to them (0 mismatches)', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const role of RoleSchema.options) {
      const sock = await TestSocket.open(`${s.wsUrl}/ws/console`, officerFor([role]).cookie);
      await sock.next((m) => m.type === 'hello');
      for (const [type, sample] of Object.entries(CONSOLE_SAMPLES)) {
        const id = `${type}/${role}`;
        const from = sock.messages.length;
        sock.send({ ...sample, id });
        // Messages are handled in order: once this pong is back, the sample has had its answer.
        if (type !== 'ping') sock.send({ type: 'ping', id: `after ${id}` });
        await sock.next((m) => m.type === 'pong', 10_000, from);
        const answer = sock.messages.slice(from).find((m) => m.type === 'error' && m.ref === id);
        const permission = CONSOLE_MESSAGE_PERMISSIONS[type as ConsoleToServer['type']];
        const allowed = permission === null || can([role], permission);
        if (allowed === (answer?.code === 'forbidden'))
          mismatches.push(`${role} → ${type}: ${String(answer?.code ?? 'no error')}`);
        checked++;
      }
      sock.close();
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(RoleSchema.options.length * Object.keys(CONSOLE_SAMPLES).length);
  });
});

describe('the caller socket acts only on its own session', () => {
  it("ignores another session named in a message, and cannot touch that session's messages", async () => {
    const handler = officerFor(['call-handler']);
    const mine = await invite(s, handler, '07911 123471');
    const theirs = await invite(s, handler, '07911 123472');
    const forThem = await s.c.chat.send(
      theirs.sessionId,
      { from: 'officer', id: handler.id, name: 'Officer' },
      { clientId: 'officer-msg-1', text: 'for the other caller only' },
    );
    const cookie = cookieFrom(await openLink(s, mine.token), 'sl_caller');
    const sock = await TestSocket.open(`${s.wsUrl}/ws/caller`, cookie);
    await sock.next((m) => m.type === 'welcome');

    const other = { sessionId: theirs.sessionId };
    sock.send({ type: 'chat.receipt', id: 'r1', ids: [forThem.id], state: 'read', ...other });
    sock.send({
      type: 'chat.send',
      id: 'c1',
      clientId: 'caller-msg-1',
      text: 'hello',
      sentAt: Date.now(),
      ...other,
    });
    sock.send({ type: 'ping', id: 'p1' });
    await sock.next((m) => m.type === 'pong');

    const theirChat = await s.c.chat.history(theirs.sessionId);
    expect(theirChat).toHaveLength(1);
    expect(theirChat[0]).toMatchObject({ id: forThem.id, deliveredAt: null, readAt: null });
    expect((await s.c.chat.history(mine.sessionId)).map((m) => m.text)).toEqual(['hello']);
    sock.send({ type: 'stop', id: 's1', ...other });
    expect(await sock.closedWith()).toBe(4002);
    // "stop" ended the caller's own session, never the one it named.
    expect((await s.c.sessions.get(theirs.sessionId)).state).toBe('sent');
    expect((await s.c.sessions.get(mine.sessionId)).state).toBe('ended');
  });
});
