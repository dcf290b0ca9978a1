import type {
  ApiClient,
  ApiClientKey,
  ApiEndSessionResult,
  ApiIncident,
  ApiScope,
  ApiSessionDetail,
  ApiSessionResult,
  IntegrationApprovalList,
  OAuthToken,
} from '@sightline/protocol';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_TTL_MS } from '../src/api-clients/api-client.service.js';
import { CLIENT_AUTH_FAILURES_PER_MINUTE } from '../src/http/client-auth-limit.js';
import {
  addFix,
  approvePending,
  expectJson,
  invite,
  type OfficerClient,
  signIn,
  startServer,
  TestClock,
  type TestServer,
} from './harness.js';

// The machine API (/api/v1) end to end: keys and OAuth tokens, scopes, per-client limits, each
// endpoint's content, and the audit entry each call leaves under the client's identity.
let s: TestServer;
let admin: OfficerClient;
let admin2: OfficerClient;
let console_: OfficerClient;
const clock = new TestClock();
const HANDLER = 'cad-handler';
let handlerId: string;
let phoneSeq = 0;
const nextPhone = () => `07911 2${String(++phoneSeq).padStart(5, '0')}`;
const ALL: ApiScope[] = ['invites:write', 'sessions:read', 'sessions:end', 'incidents:read'];

beforeAll(async () => {
  s = await startServer({ clock });
  admin = await signIn(s, ['admin']);
  admin2 = await signIn(s, ['admin']);
  console_ = await signIn(s, ['call-handler']);
  handlerId = (
    await s.c.officers.create(
      {
        username: HANDLER,
        displayName: 'Call Handler Cad',
        password: 'a-long-test-password',
        roles: ['call-handler'],
      },
      { type: 'system' },
    )
  ).id;
  await s.c.officers.create(
    { username: 'cad-dpo', displayName: 'Disclosure', password: 'a-long-test-password', roles: ['dpo'] },
    { type: 'system' },
  );
});
afterAll(() => s?.close());

/** Creates a client through the admin route, approved by a second admin; returns its id and key. */
async function newClient(scopes: ApiScope[] = ALL, ratePerMinute = 600, name = 'Force CAD') {
  const created = await expectJson<ApiClientKey>(
    admin.request('POST', '/api/api-clients', { name, scopes, ratePerMinute }),
    201,
  );
  await approvePending(admin2, created.clientId);
  return { id: created.clientId, key: created.key, client: created.client };
}

/** A request to /api/v1 with `Authorization: Bearer <credential>`. */
function call(
  credential: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return fetch(`${s.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${credential}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const apiInvite = (key: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  call(
    key,
    'POST',
    '/api/v1/invites',
    { phone: nextPhone(), reference: 'CAD 77/30NOV', callHandler: HANDLER, ...extra },
    headers,
  );

async function errorOf(res: Response, status: number) {
  expect(res.status).toBe(status);
  return ((await res.json()) as { error: { code: string; message: string; fields?: Record<string, string> } })
    .error;
}

const auditOf = (subjectId: string, action: string) => s.c.audit.list({ limit: 200, subjectId, action });

function token(form: Record<string, string>, basic?: [string, string]) {
  return fetch(`${s.url}/api/v1/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(basic
        ? {
            authorization: `Basic ${Buffer.from(`${encodeURIComponent(basic[0])}:${encodeURIComponent(basic[1])}`).toString('base64')}`,
          }
        : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
}

/** A token request with a raw form body (for repeated parameters) and any headers. */
const tokenRaw = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${s.url}/api/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });

/**
 * A fix taken 2 s ago, a millisecond after the one before: a reading is identified by its time
 * (stored once), so two fixes in the same millisecond would be one.
 */
let lastFixTime = 0;
const fix = (sessionId: string, lat: number, lon: number) => {
  lastFixTime = Math.max(clock.now() - 2000, lastFixTime + 1);
  return addFix(s, sessionId, lat, lon, 12, lastFixTime);
};

describe('API clients, managed by admins', () => {
  it('shows a new key once, keeps only its digest, lists the client without it, and audits the creation', async () => {
    const { id, key, client } = await newClient(['sessions:read'], 120, 'Listing CAD');
    expect(key).toMatch(/^sl_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(client).toMatchObject({
      name: 'Listing CAD',
      scopes: ['sessions:read'],
      ratePerMinute: 120,
      status: 'pending-approval',
    });
    expect(key.startsWith(`${client.keyPrefix}_`)).toBe(true);
    const listed = await expectJson<{ clients: ApiClient[] }>(admin.request('GET', '/api/api-clients'));
    const row = listed.clients.find((c) => c.id === id)!;
    expect(row).toMatchObject({ keyPrefix: client.keyPrefix, status: 'active' });
    expect(JSON.stringify(listed)).not.toContain(key.slice(20));
    const stored = await s.c.db
      .selectFrom('api_clients')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(key.slice(20));
    expect(stored.key_hash).toMatch(/^[0-9a-f]{64}$/);
    const [entry] = await auditOf(id, 'api-client.create');
    expect(entry).toMatchObject({ actorType: 'officer', actorId: admin.id });
    expect(JSON.stringify(entry)).not.toContain(key.slice(20));
  });

  it('refuses a bad key, and at once a rotated-out key, a revoked key and a disabled client (401)', async () => {
    const { id, key } = await newClient();
    const { session } = await expectJson<ApiSessionResult>(apiInvite(key), 201);
    const read = (k: string) => call(k, 'GET', `/api/v1/sessions/${session.id}`);
    expect((await read(key)).status).toBe(200);

    expect((await errorOf(await read('not-a-key'), 401)).code).toBe('unauthenticated');
    const forged = `${key.slice(0, -4)}${key.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const refused = await read(forged);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);

    const rotated = await expectJson<ApiClientKey>(admin.request('POST', `/api/api-clients/${id}/rotate`));
    expect(rotated.key).not.toBe(key);
    expect((await read(key)).status).toBe(401);
    expect((await read(rotated.key)).status).toBe(200);

    const revoked = await expectJson<ApiClient>(admin.request('POST', `/api/api-clients/${id}/revoke`));
    expect(revoked).toMatchObject({ status: 'key-revoked', keyPrefix: null });
    expect((await read(rotated.key)).status).toBe(401);

    const again = await expectJson<ApiClientKey>(admin.request('POST', `/api/api-clients/${id}/rotate`));
    const bearer = await expectJson<OAuthToken>(token({ grant_type: 'client_credentials' }, [id, again.key]));
    expect((await read(bearer.access_token)).status).toBe(200);
    expect(
      (await expectJson<ApiClient>(admin.request('POST', `/api/api-clients/${id}/disable`))).status,
    ).toBe('disabled');
    expect((await read(again.key)).status).toBe(401);
    expect((await read(bearer.access_token)).status).toBe(401);
    expect((await token({ grant_type: 'client_credentials' }, [id, again.key])).status).toBe(401);
    // Re-enabling widens what leaves the system again: it waits for a second admin.
    expect((await expectJson<ApiClient>(admin.request('POST', `/api/api-clients/${id}/enable`))).status).toBe(
      'disabled',
    );
    expect((await read(again.key)).status).toBe(401);
    await approvePending(admin2, id);
    expect((await read(again.key)).status).toBe(200);

    const actions = (await s.c.audit.list({ limit: 50, subjectId: id })).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'api-client.rotate',
        'api-client.revoke',
        'api-client.disable',
        'api-client.enable_requested',
        'integration.approved',
        'api-client.token',
      ]),
    );
  });

  it('answers 403 naming the missing scope', async () => {
    const { key } = await newClient(['sessions:read']);
    const err = await errorOf(await apiInvite(key), 403);
    expect(err).toMatchObject({ code: 'forbidden', fields: { scope: 'invites:write' } });
    expect(err.message).toContain('invites:write');
  });
});

describe('a second admin approves every new API client', () => {
  it('a client created by one admin does not work until a different admin approves it', async () => {
    const created = await expectJson<ApiClientKey>(
      admin.request('POST', '/api/api-clients', { name: 'Lone CAD', scopes: ALL }),
      201,
    );
    const { clientId: id, key } = created;
    expect(created.client.status).toBe('pending-approval');
    const refused = await errorOf(
      await call(key, 'GET', '/api/v1/sessions/00000000-0000-4000-8000-000000000000'),
      403,
    );
    expect(refused.code).toBe('client_pending_approval');
    expect((await token({ grant_type: 'client_credentials' }, [id, key])).status).toBe(400);

    // The requester sees the request but cannot approve it: another admin must.
    const { approvals } = await expectJson<IntegrationApprovalList>(
      admin.request('GET', '/api/integration-approvals'),
    );
    const request = approvals.find((a) => a.subjectId === id && a.state === 'pending')!;
    expect(request).toMatchObject({ kind: 'api-client', change: 'create', name: 'Lone CAD', scopes: ALL });
    expect(request.requestedById).toBe(admin.id);
    const own = await admin.request('POST', `/api/integration-approvals/${request.id}/approve`, {
      reason: 'mine',
    });
    expect((await errorOf(own, 403)).code).toBe('forbidden');
    expect((await apiInvite(key)).status).toBe(403);
    const [selfTry] = await auditOf(id, 'integration.approval_refused');
    expect(selfTry).toMatchObject({ actorId: admin.id });

    const approved = await approvePending(admin2, id);
    expect(approved).toMatchObject({ state: 'approved', decidedById: admin2.id });
    expect((await apiInvite(key)).status).toBe(201);
    const [entry] = await auditOf(id, 'integration.approved');
    expect(entry).toMatchObject({ actorId: admin2.id });
    expect(entry!.detail).toMatchObject({ requestedBy: { id: admin.id }, scopes: ALL, change: 'create' });
  });

  it('a refused client never works, and the refusal is audited', async () => {
    const { clientId: id, key } = await expectJson<ApiClientKey>(
      admin.request('POST', '/api/api-clients', { name: 'Unwanted CAD', scopes: ['sessions:read'] }),
      201,
    );
    const { approvals } = await expectJson<IntegrationApprovalList>(
      admin2.request('GET', '/api/integration-approvals'),
    );
    const request = approvals.find((a) => a.subjectId === id && a.state === 'pending')!;
    await expectJson(
      admin2.request('POST', `/api/integration-approvals/${request.id}/refuse`, {
        reason: 'no such contract',
      }),
    );
    expect((await call(key, 'GET', '/api/v1/sessions/00000000-0000-4000-8000-000000000000')).status).toBe(
      403,
    );
    const again = await admin2.request('POST', `/api/integration-approvals/${request.id}/approve`, {
      reason: 'oops',
    });
    expect((await errorOf(again, 409)).code).toBe('conflict');
    const [entry] = await auditOf(id, 'integration.refused');
    expect(entry).toMatchObject({ actorId: admin2.id });
    expect(entry!.detail).toMatchObject({ requestedBy: { id: admin.id }, reason: 'no such contract' });
  });

  it('only admins see or decide requests', async () => {
    expect((await console_.request('GET', '/api/integration-approvals')).status).toBe(403);
  });
});

describe('POST /api/v1/invites', () => {
  it('texts the caller for the named call handler, once per Idempotency-Key, audited under the client', async () => {
    const { id, key } = await newClient(ALL, 600, 'Northshire CAD');
    const phone = nextPhone();
    const body = {
      phone,
      reference: 'CAD 123/30NOV',
      callHandler: HANDLER,
      mode: 'location',
      language: 'cy',
    };
    const headers = { 'idempotency-key': 'cad-retry-key-0000000001' };
    const first = await expectJson<ApiSessionResult>(
      call(key, 'POST', '/api/v1/invites', body, headers),
      201,
    );
    const retry = await expectJson<ApiSessionResult>(
      call(key, 'POST', '/api/v1/invites', body, headers),
      201,
    );
    expect(retry.session.id).toBe(first.session.id);
    expect(first.session).toMatchObject({
      reference: 'CAD 123/30NOV',
      state: 'sent',
      mode: 'location',
      language: 'cy',
      phoneMasked: `+44 •••••••${phone.slice(-3)}`,
      callHandler: { id: handlerId, name: 'Call Handler Cad' },
      latestLocation: null,
    });
    expect(first.session.verificationCode).toMatch(/^\d{4}$/);
    expect(JSON.stringify(first)).not.toContain('/j/');
    const texts = await s.c.db
      .selectFrom('sms_outbox')
      .select('id')
      .where('session_id', '=', first.session.id)
      .execute();
    expect(texts).toHaveLength(1);
    // The console sees the session as the call handler's, like one sent from the console.
    const onConsole = await s.c.sessions.summary(first.session.id);
    expect(onConsole.createdBy.id).toBe(handlerId);
    const [entry] = await auditOf(first.session.id, 'invite.create');
    expect(entry).toMatchObject({ actorType: 'api-client', actorId: id, actorName: 'Northshire CAD' });
    expect(entry!.detail).toMatchObject({ reference: 'CAD 123/30NOV', callHandler: { id: handlerId } });
  });

  it('refuses an unknown call handler, or one whose role may not send links, with the field named', async () => {
    const { key } = await newClient();
    for (const callHandler of ['nobody-here', 'cad-dpo']) {
      const err = await errorOf(await apiInvite(key, { callHandler }), 400);
      expect(err.fields).toHaveProperty('callHandler');
    }
  });

  it('applies the console invite’s validation (a bad number is refused, nothing sent)', async () => {
    const { key } = await newClient();
    const err = await errorOf(await apiInvite(key, { phone: '0207 946 0000' }), 422);
    expect(err.code).toBe('invalid_phone_number');
  });
});

describe('POST /api/v1/invites, the client’s claim on the session', () => {
  it('sends no text and leaves no session when the claim cannot be stored (one transaction)', async () => {
    const { key } = await newClient();
    const reference = 'CAD CLAIM/30NOV';
    // The claim's table made unwritable for one request: the write that must stand or fall with the invite.
    await sql`ALTER TABLE api_client_sessions RENAME TO api_client_sessions_away`.execute(s.c.db);
    try {
      expect((await apiInvite(key, { reference })).status).toBe(500);
    } finally {
      await sql`ALTER TABLE api_client_sessions_away RENAME TO api_client_sessions`.execute(s.c.db);
    }
    const made = await s.c.db
      .selectFrom('sessions')
      .select('id')
      .where('reference', '=', reference)
      .execute();
    expect(made).toEqual([]);
    // The retry works and the client reaches what it created.
    const { session } = await expectJson<ApiSessionResult>(apiInvite(key, { reference }), 201);
    expect((await call(key, 'GET', `/api/v1/sessions/${session.id}`)).status).toBe(200);
  });
});

describe('GET /api/v1/sessions/:id and POST …/end', () => {
  it('returns state, reference, latest location and the evidence list (no bytes), as an audited read', async () => {
    const { id, key } = await newClient(ALL, 600, 'Reading CAD');
    const { session } = await expectJson<ApiSessionResult>(apiInvite(key), 201);
    await fix(session.id, 51.501, -0.141);
    await fix(session.id, 51.502, -0.142);
    await s.c.evidence.saveLocationTrack(session.id, await s.c.location.track(session.id));
    const detail = await expectJson<ApiSessionDetail>(call(key, 'GET', `/api/v1/sessions/${session.id}`));
    expect(detail.session).toMatchObject({ id: session.id, reference: 'CAD 77/30NOV', state: 'sent' });
    expect(detail.session.latestLocation).toMatchObject({ lat: 51.502, lon: -0.142, accuracy: 12 });
    const [item] = await s.c.evidence.list(session.id);
    expect(detail.evidence).toEqual([
      {
        id: item!.id,
        kind: 'location-track',
        mediaType: item!.mediaType,
        size: item!.size,
        sha256: item!.sha256,
        storedAt: item!.createdAt,
        disposedAt: null,
      },
    ]);
    const [entry] = await auditOf(session.id, 'session.read');
    expect(entry).toMatchObject({ actorType: 'api-client', actorId: id, actorName: 'Reading CAD' });
  });

  it('audits a repeat read again when it newly shows the live position or new evidence', async () => {
    const { key } = await newClient(ALL, 600, 'Polling CAD');
    const { session } = await expectJson<ApiSessionResult>(apiInvite(key), 201);
    const read = () => expectJson<ApiSessionDetail>(call(key, 'GET', `/api/v1/sessions/${session.id}`));
    await read();
    await read();
    await fix(session.id, 51.51, -0.12);
    expect((await read()).session.latestLocation).not.toBeNull();
    await read();
    await s.c.evidence.saveLocationTrack(session.id, await s.c.location.track(session.id));
    await read();
    const details = (await auditOf(session.id, 'session.read')).map((e) => e.detail).reverse();
    expect(details).toEqual([
      expect.objectContaining({ location: false, evidence: 0 }),
      expect.objectContaining({ location: true, evidence: 0 }),
      expect.objectContaining({ location: true, evidence: 1 }),
    ]);
  });

  it('sees only the sessions the client created, unless it holds sessions:all (others are not found)', async () => {
    const a = await newClient();
    const b = await newClient();
    const wide = await newClient(['sessions:read', 'sessions:all']);
    const { session } = await expectJson<ApiSessionResult>(apiInvite(a.key), 201);
    const fromConsole = await invite(s, console_, nextPhone());
    expect((await errorOf(await call(b.key, 'GET', `/api/v1/sessions/${session.id}`), 404)).code).toBe(
      'not_found',
    );
    expect((await call(b.key, 'POST', `/api/v1/sessions/${session.id}/end`, {})).status).toBe(404);
    expect((await call(a.key, 'GET', `/api/v1/sessions/${fromConsole.sessionId}`)).status).toBe(404);
    expect((await call(wide.key, 'GET', `/api/v1/sessions/${fromConsole.sessionId}`)).status).toBe(200);
    expect((await s.c.sessions.get(session.id)).state).toBe('sent');
  });

  it('ends a session, idempotently, audited under the client', async () => {
    const { id, key } = await newClient(ALL, 600, 'Ending CAD');
    const { session } = await expectJson<ApiSessionResult>(apiInvite(key), 201);
    const ended = await expectJson<ApiSessionResult>(
      call(key, 'POST', `/api/v1/sessions/${session.id}/end`, { reason: 'incident closed in CAD' }),
    );
    expect(ended.session).toMatchObject({ state: 'ended', endReason: 'incident closed in CAD' });
    const again = await expectJson<ApiSessionResult>(call(key, 'POST', `/api/v1/sessions/${session.id}/end`));
    expect(again.session.endedAt).toBe(ended.session.endedAt);
    const entries = await auditOf(session.id, 'session.end');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorType: 'api-client', actorId: id, actorName: 'Ending CAD' });
  });
});

describe('POST …/end answers with state only', () => {
  it('shows no location, phone or code to a client that may end but not read, even on a repeat end', async () => {
    const { key } = await newClient(['invites:write', 'sessions:end']);
    const { session } = await expectJson<ApiSessionResult>(apiInvite(key), 201);
    await fix(session.id, 51.52, -0.13);
    expect((await call(key, 'GET', `/api/v1/sessions/${session.id}`)).status).toBe(403);
    const end = () =>
      expectJson<ApiEndSessionResult>(call(key, 'POST', `/api/v1/sessions/${session.id}/end`));
    const first = await end();
    const again = await end();
    for (const answer of [first, again])
      expect(Object.keys(answer.session).sort()).toEqual(['endReason', 'endedAt', 'id', 'state']);
    expect(again.session).toEqual({
      id: session.id,
      state: 'ended',
      endedAt: first.session.endedAt,
      endReason: 'ended_by_api',
    });
  });
});

describe('GET /api/v1/incidents/:id', () => {
  it("summarises the incident: its sessions' states and latest locations, only the client's own unless sessions:all", async () => {
    const own = await newClient(ALL, 600, 'Incident CAD');
    const wide = await newClient(['incidents:read', 'sessions:all']);
    const other = await newClient();
    const { session } = await expectJson<ApiSessionResult>(apiInvite(own.key), 201);
    await fix(session.id, 52.2, 0.12);
    const fromConsole = await invite(s, console_, nextPhone());
    const officer = { type: 'officer' as const, id: console_.id, name: 'Officer' };
    const incident = await s.c.incidents.create(
      { title: 'RTC A14', cadReference: 'CAD 9/30NOV', sessionId: session.id },
      officer,
      null,
    );
    await s.c.incidents.addSession(incident.id, fromConsole.sessionId, officer, null);

    const mine = await expectJson<ApiIncident>(call(own.key, 'GET', `/api/v1/incidents/${incident.id}`));
    expect(mine).toMatchObject({
      id: incident.id,
      title: 'RTC A14',
      cadReference: 'CAD 9/30NOV',
      closedAt: null,
      sessionCount: 2,
    });
    expect(mine.sessions.map((x) => [x.id, x.state, x.incidentId])).toEqual([
      [session.id, 'sent', incident.id],
    ]);
    expect(mine.sessions[0]!.latestLocation).toMatchObject({ lat: 52.2, lon: 0.12 });
    const all = await expectJson<ApiIncident>(call(wide.key, 'GET', `/api/v1/incidents/${incident.id}`));
    expect(all.sessions.map((x) => x.id)).toEqual([session.id, fromConsole.sessionId]);
    expect((await call(other.key, 'GET', `/api/v1/incidents/${incident.id}`)).status).toBe(404);

    const reads = await auditOf(incident.id, 'incident.read');
    expect(
      reads
        .filter((e) => e.actorType === 'api-client')
        .map((e) => e.actorId)
        .sort(),
    ).toEqual([own.id, wide.id].sort());
    const perSession = await auditOf(fromConsole.sessionId, 'incident.read');
    expect(perSession.map((e) => e.actorId)).toContain(wide.id);
    expect(perSession.map((e) => e.actorId)).not.toContain(own.id);
  });
});

describe('OAuth 2 client credentials', () => {
  it('issues a token by client_secret_basic or client_secret_post, narrowed by scope, that works as a bearer', async () => {
    const { id, key } = await newClient(['sessions:read', 'invites:write']);
    const res = await token({ grant_type: 'client_credentials' }, [id, key]);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const full = await expectJson<OAuthToken>(res);
    expect(full).toMatchObject({
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_TTL_MS / 1000,
      scope: 'sessions:read invites:write',
    });
    const { session } = await expectJson<ApiSessionResult>(apiInvite(full.access_token), 201);

    const narrow = await expectJson<OAuthToken>(
      token({ grant_type: 'client_credentials', scope: 'sessions:read', client_id: id, client_secret: key }),
    );
    expect(narrow.scope).toBe('sessions:read');
    expect((await call(narrow.access_token, 'GET', `/api/v1/sessions/${session.id}`)).status).toBe(200);
    const err = await errorOf(await apiInvite(narrow.access_token), 403);
    expect(err.fields).toEqual({ scope: 'invites:write' });
    // Only the digest of a token is kept.
    const rows = await s.c.db
      .selectFrom('api_access_tokens')
      .selectAll()
      .where('client_id', '=', id)
      .execute();
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toContain(narrow.access_token);
  });

  it('answers RFC 6749 errors: invalid_client (401, WWW-Authenticate), invalid_scope, unsupported_grant_type', async () => {
    const { id, key } = await newClient(['sessions:read']);
    const other = await newClient(['sessions:read']);
    const wrong = await token({ grant_type: 'client_credentials' }, [id, other.key]);
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    const noSecret = await token({ grant_type: 'client_credentials', client_id: id });
    expect(noSecret.status).toBe(401);

    const wider = await token({ grant_type: 'client_credentials', scope: 'sessions:read invites:write' }, [
      id,
      key,
    ]);
    expect(wider.status).toBe(400);
    expect(await wider.json()).toMatchObject({ error: 'invalid_scope' });
    const unknown = await token({ grant_type: 'client_credentials', scope: 'admin' }, [id, key]);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_scope' });

    const password = await token({ grant_type: 'password', username: 'x', password: 'y' }, [id, key]);
    expect(password.status).toBe(400);
    expect(await password.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const none = await token({}, [id, key]);
    expect(await none.json()).toMatchObject({ error: 'invalid_request' });
    const both = await token({ grant_type: 'client_credentials', client_id: id, client_secret: key }, [
      id,
      key,
    ]);
    expect(await both.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('answers malformed fields and repeated parameters as invalid_request, with no-store', async () => {
    const { id, key } = await newClient(['sessions:read']);
    const creds = `client_id=${encodeURIComponent(id)}&client_secret=${encodeURIComponent(key)}`;
    const tooLong = await tokenRaw(`grant_type=client_credentials&scope=${'x'.repeat(600)}&${creds}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.headers.get('cache-control')).toBe('no-store');
    expect(await tooLong.json()).toMatchObject({ error: 'invalid_request' });
    const twice = await tokenRaw(`grant_type=client_credentials&grant_type=client_credentials&${creds}`);
    expect(twice.status).toBe(400);
    expect(twice.headers.get('cache-control')).toBe('no-store');
    expect(await twice.json()).toEqual({
      error: 'invalid_request',
      error_description: 'parameters sent more than once: grant_type',
    });
  });

  it('answers a malformed Basic header invalid_client (401), never falling back to body credentials', async () => {
    const { id, key } = await newClient(['sessions:read']);
    const creds = `grant_type=client_credentials&client_id=${encodeURIComponent(id)}&client_secret=${encodeURIComponent(key)}`;
    for (const authorization of [
      'Basic !!not-base64!!',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
    ]) {
      const res = await tokenRaw(creds, { authorization });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect(await res.json()).toMatchObject({ error: 'invalid_client' });
    }
  });
});

describe('failed client authentication', () => {
  it('audits a known key id with a wrong secret, and a disabled client’s key, naming the key prefix only', async () => {
    const { id, key } = await newClient(['sessions:read'], 600, 'Probed CAD');
    const forged = `${key.slice(0, -4)}${key.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect((await call(forged, 'GET', `/api/v1/incidents/${id}`)).status).toBe(401);
    await expectJson<ApiClient>(admin.request('POST', `/api/api-clients/${id}/disable`));
    expect((await token({ grant_type: 'client_credentials' }, [id, key])).status).toBe(401);
    const entries = (await auditOf(id, 'api-client.auth-failed')).reverse();
    const prefix = key.split('_').slice(0, 2).join('_');
    expect(entries.map((e) => [e.actorType, e.detail])).toEqual([
      ['system', { keyPrefix: prefix, reason: 'wrong-secret' }],
      ['system', { keyPrefix: prefix, reason: 'client-disabled' }],
    ]);
    expect(JSON.stringify(entries)).not.toContain(key.slice(prefix.length + 1));
    expect(JSON.stringify(entries)).not.toContain(forged.slice(prefix.length + 1));
  });
});

describe('per-client rate limits', () => {
  it('answers 429 once a client passes its own limit, counted across routes, and leaves other clients alone', async () => {
    const slow = await newClient(ALL, 3);
    const other = await newClient(ALL, 3);
    const { session } = await expectJson<ApiSessionResult>(apiInvite(slow.key), 201);
    expect((await call(slow.key, 'GET', `/api/v1/sessions/${session.id}`)).status).toBe(200);
    expect((await call(slow.key, 'GET', `/api/v1/sessions/${session.id}`)).status).toBe(200);
    const err = await errorOf(await call(slow.key, 'GET', `/api/v1/sessions/${session.id}`), 429);
    expect(err.code).toBe('rate_limited');
    expect((await call(other.key, 'GET', `/api/v1/sessions/${session.id}`)).status).toBe(404);
  });
});

describe('access tokens expire', () => {
  // Last in the file: it moves the server's clock past the token's life.
  it('refuses a token after its ten minutes, while the key itself still works', async () => {
    const { id, key } = await newClient(['sessions:read', 'invites:write']);
    const { session } = await expectJson<ApiSessionResult>(apiInvite(key), 201);
    const t = await expectJson<OAuthToken>(token({ grant_type: 'client_credentials' }, [id, key]));
    expect((await call(t.access_token, 'GET', `/api/v1/sessions/${session.id}`)).status).toBe(200);
    clock.t += ACCESS_TOKEN_TTL_MS + 1000;
    expect(
      (await errorOf(await call(t.access_token, 'GET', `/api/v1/sessions/${session.id}`), 401)).code,
    ).toBe('unauthenticated');
    expect((await call(key, 'GET', `/api/v1/sessions/${session.id}`)).status).toBe(200);
  });
});

describe('failed client authentications are limited per address', () => {
  // After the expiry test: it leaves this address refused for a minute.
  it('answers 429 to every client credential from an address past its failures, keys and tokens alike', async () => {
    const { id, key } = await newClient(['sessions:read']);
    // No credential at all guesses nothing and is not counted (a console or browser request that
    // lands here must not lock out a CAD system behind the same address).
    for (let i = 0; i <= CLIENT_AUTH_FAILURES_PER_MINUTE; i++)
      expect((await fetch(`${s.url}/api/v1/incidents/${id}`)).status).toBe(401);
    expect((await call(key, 'GET', `/api/v1/incidents/${id}`)).status).not.toBe(429);
    let refused: Response | undefined;
    for (let i = 0; i <= CLIENT_AUTH_FAILURES_PER_MINUTE && !refused; i++) {
      const res = await call(`sl_${'0'.repeat(16)}_${'x'.repeat(43)}`, 'GET', `/api/v1/incidents/${id}`);
      if (res.status === 429) refused = res;
      else expect(res.status).toBe(401);
    }
    expect(refused).toBeDefined();
    expect((await errorOf(refused!, 429)).code).toBe('rate_limited');
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(key, 'GET', `/api/v1/incidents/${id}`)).status).toBe(429);
    expect((await token({ grant_type: 'client_credentials' }, [id, key])).status).toBe(429);
  });
});
