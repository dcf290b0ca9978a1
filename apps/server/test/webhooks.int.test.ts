import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  IntegrationApprovalList,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookEvent,
  WebhookSecretGrant,
} from '@sightline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeliveryRow, WebhookRepository } from '../src/webhooks/webhook.repository.js';
import { verifySignature } from '../src/webhooks/webhook-signature.js';
import {
  approvePending,
  cookieFrom,
  eventually,
  expectJson,
  invite,
  type OfficerClient,
  openLink,
  signIn,
  startServer,
  type TestServer,
  TestSocket,
} from './harness.js';
import { freshDatabase } from './test-db.js';
import { rawEndpoint } from './webhook-rows.js';

// A real receiver on loopback (allowed here by SIGHTLINE_WEBHOOK_ALLOW_PRIVATE), which checks each
// signature with the verifier docs/webhooks.md prints, and can be told to fail or hang.
type Mode = 'ok' | 'fail' | 'hang';
interface Received {
  raw: string;
  signature: string | undefined;
  eventId: string | undefined;
  event: WebhookEvent;
  at: number;
  accepted: boolean;
  /** When the exchange ended (answered, or the sender gave up waiting). */
  closedAt: number | null;
}

class Receiver {
  readonly received: Received[] = [];
  /** What to do with the next requests, in order; `mode` once they are used up. */
  plan: Mode[] = [];
  mode: Mode = 'ok';
  secrets: string[] = [];
  #server: Server;
  url = '';

  constructor() {
    this.#server = createServer(async (req, res) => {
      const raw = await body(req);
      const mode = this.plan.shift() ?? this.mode;
      const signature = req.headers['sightline-signature'] as string | undefined;
      const verdict = verifySignature(signature, raw, this.secrets, Math.floor(Date.now() / 1000));
      const accepted = mode === 'ok' && verdict.ok;
      const got: Received = {
        raw,
        signature,
        eventId: req.headers['sightline-event-id'] as string | undefined,
        event: JSON.parse(raw) as WebhookEvent,
        at: Date.now(),
        accepted,
        closedAt: null,
      };
      this.received.push(got);
      res.on('close', () => {
        got.closedAt = Date.now();
      });
      if (mode === 'hang') return; // never answers: the sender's timeout must end it
      if (mode === 'fail') return res.writeHead(500).end('receiver exploded\n'.repeat(100));
      res.writeHead(verdict.ok ? 204 : 401).end();
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r));
    const addr = this.#server.address();
    this.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hook`;
  }

  accepted(type?: string): WebhookEvent[] {
    return this.received.filter((r) => r.accepted && (!type || r.event.type === type)).map((r) => r.event);
  }

  stop(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((r) => this.#server.close(() => r()));
  }
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

const LOCATION_SECONDS = 2;
const WEBHOOK_ENV = {
  SIGHTLINE_WEBHOOK_ALLOW_HTTP: 'true',
  SIGHTLINE_WEBHOOK_ALLOW_PRIVATE: 'true',
  SIGHTLINE_WEBHOOK_LOCATION_SECONDS: String(LOCATION_SECONDS),
  SIGHTLINE_WEBHOOK_TIMEOUT_SECONDS: '2',
  SIGHTLINE_WEBHOOK_MAX_ATTEMPTS: '3',
  SIGHTLINE_WEBHOOK_RETRY_BASE_MS: '200',
  SIGHTLINE_WEBHOOK_POLL_MS: '100',
};

/** A new endpoint, created by `admin` and approved by `approver` (a second admin). */
async function subscribe(
  admin: OfficerClient,
  approver: OfficerClient,
  receiver: Receiver,
  events: string[],
) {
  const grant = await expectJson<WebhookSecretGrant>(
    admin.request('POST', '/api/webhooks', { url: receiver.url, events, description: 'CAD test' }),
    201,
  );
  receiver.secrets = [grant.secret];
  await approvePending(approver, grant.endpoint.id);
  return grant;
}

async function deliveriesOf(admin: OfficerClient, endpointId: string, state?: string) {
  const q = state ? `?state=${state}&limit=200` : '?limit=200';
  const { deliveries } = await expectJson<WebhookDeliveryList>(
    admin.request('GET', `/api/webhooks/deliveries${q}`),
  );
  return deliveries.filter((d) => d.endpointId === endpointId);
}

/**
 * The endpoint's deliveries once all are marked delivered. The server marks one delivered when
 * the receiver's answer is back, a moment after the receiver itself has counted it.
 */
const markedDelivered = (admin: OfficerClient, endpointId: string) =>
  eventually(async () => {
    const ds = await deliveriesOf(admin, endpointId);
    return ds.length > 0 && ds.every((d) => d.state === 'delivered') ? ds : null;
  });

/** A delivery row written straight to the database. */
async function rawDelivery(s: TestServer, endpointId: string, id: string, o: Partial<DeliveryRow> = {}) {
  const now = Date.now();
  await s.c.db
    .insertInto('webhook_deliveries')
    .values({
      id,
      endpoint_id: endpointId,
      event_id: `${id}-event`,
      event_type: 'session.location',
      session_id: null,
      body: '{"fix":1}',
      state: 'pending',
      attempts: 0,
      scheduled_at: now - 1000,
      next_attempt_at: now - 1000,
      last_attempt_at: null,
      last_status: null,
      last_error: null,
      lease_owner: null,
      lease_expires_at: null,
      created_at: now - 1000,
      delivered_at: null,
      ...o,
    })
    .execute();
  return (await s.c.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst())!;
}

const DAY = 86_400_000;

const fix = (lat: number) => ({
  lat,
  lon: -0.12,
  accuracy: 12,
  altitude: null,
  altitudeAccuracy: null,
  heading: null,
  speed: null,
  fixTime: Date.now(),
});

describe('webhooks', () => {
  let s: TestServer;
  let admin: OfficerClient;
  let approver: OfficerClient;
  let handler: OfficerClient;
  const receivers: Receiver[] = [];
  const receiver = async () => {
    const r = new Receiver();
    await r.start();
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    s = await startServer({ env: WEBHOOK_ENV });
    admin = await signIn(s, ['admin']);
    approver = await signIn(s, ['admin']);
    handler = await signIn(s, ['call-handler']);
  });
  afterAll(async () => {
    await s?.close();
    for (const r of receivers) await r.stop();
  });

  it('sends each event of a session, signed, with its CAD reference and never the phone number; location spaced and newest', async () => {
    const r = await receiver();
    const grant = await subscribe(admin, approver, r, [
      'session.opened',
      'session.consented',
      'session.live',
      'session.location',
      'session.ended',
      'evidence.stored',
    ]);
    const res = await handler.request('POST', '/api/sessions', {
      phone: '07911 123456',
      reference: 'CAD 42/30NOV',
      mode: 'location',
    });
    const { session, link } = await expectJson<{ session: { id: string }; link: string }>(res, 201);
    const cookie = cookieFrom(await openLink(s, link.split('/j/')[1]!), 'sl_caller');
    const sock = await TestSocket.open(`${s.wsUrl}/ws/caller`, cookie);
    sock.send({ type: 'consent', decision: 'accepted' });
    await sock.next((m) => m.type === 'consent.recorded');
    sock.send({ type: 'location.fix', fix: fix(51.1) });
    const first = await eventually<Received>(async () =>
      r.received.find((x) => x.event.type === 'session.location'),
    );
    // Two more fixes at once: one event carries the newest, not before the spacing has passed.
    sock.send({ type: 'location.fix', fix: { ...fix(51.2), fixTime: Date.now() + 1 } });
    sock.send({ type: 'location.fix', fix: { ...fix(51.3), fixTime: Date.now() + 2 } });
    await eventually(() => r.accepted('session.location').length === 2);
    const second = r.received.filter((x) => x.event.type === 'session.location')[1]!;
    expect(second.event.type === 'session.location' && second.event.data.lat).toBe(51.3);
    expect(second.at - first.at).toBeGreaterThanOrEqual(LOCATION_SECONDS * 1000 - 500);
    await expectJson(handler.request('POST', `/api/sessions/${session.id}/end`, { reason: 'resolved' }));
    sock.close();

    await eventually(() => r.accepted('evidence.stored').length >= 1);
    const types = r.accepted().map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'session.opened',
        'session.consented',
        'session.live',
        'session.location',
        'session.ended',
        'evidence.stored',
      ]),
    );
    expect(r.accepted('session.location')).toHaveLength(2);
    for (const got of r.received) {
      expect(got.accepted, got.raw).toBe(true);
      expect(got.event).toMatchObject({ sessionId: session.id, reference: 'CAD 42/30NOV' });
      expect(got.eventId).toBe(got.event.id);
      expect(got.raw).not.toMatch(/7911|123456/);
    }
    expect(r.accepted('session.live')[0]).toMatchObject({ data: { via: 'location' } });
    expect(r.accepted('session.ended')[0]).toMatchObject({ data: { reason: 'resolved' } });
    // Event ids are unique: a receiver de-duplicates on them.
    expect(new Set(r.received.map((x) => x.eventId)).size).toBe(r.received.length);

    // A captured request replayed later is refused by the same verifier, and so is a changed body.
    const captured = r.received[0]!;
    const later = Math.floor(captured.at / 1000) + 301;
    expect(
      verifySignature(captured.signature, captured.raw, grant.secret ? [grant.secret] : [], later),
    ).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(
      verifySignature(
        captured.signature,
        captured.raw.replace('CAD 42', 'CAD 43'),
        [grant.secret],
        Date.now() / 1000,
      ),
    ).toMatchObject({ ok: false, reason: 'mismatch' });

    // Disabled: nothing more is sent to it (later tests open sessions too), and the change is audited.
    const off = await expectJson<{ enabled: boolean; disabledReason: string }>(
      admin.request('PUT', `/api/webhooks/${grant.endpoint.id}`, {
        url: r.url,
        events: grant.endpoint.events,
        enabled: false,
      }),
    );
    expect(off).toMatchObject({ enabled: false, disabledReason: 'disabled by an admin' });
    const audit = await s.c.db
      .selectFrom('audit_events')
      .select(['action', 'detail'])
      .where('subject_id', '=', grant.endpoint.id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'webhook.create',
      'integration.approval_requested',
      'integration.approved',
      'webhook.update',
    ]);
    expect(JSON.stringify(audit)).not.toContain(grant.secret);
  });

  it('sends nothing to a new endpoint (nor queues it) until a second admin approves it; then it delivers', async () => {
    const control = await receiver();
    const controlGrant = await subscribe(admin, approver, control, ['session.opened']);
    const r = await receiver();
    const grant = await expectJson<WebhookSecretGrant>(
      admin.request('POST', '/api/webhooks', {
        url: r.url,
        events: ['session.opened', 'session.location'],
        description: 'Lone admin',
      }),
      201,
    );
    r.secrets = [grant.secret];
    expect(grant.endpoint).toMatchObject({
      enabled: false,
      disabledReason: "waiting for a second admin's approval",
    });
    const first = await invite(s, handler);
    await openLink(s, first.token);
    // The approved endpoint got the event, so the outbox has run: nothing was written for the pending one.
    await eventually(() => control.accepted('session.opened').some((e) => e.sessionId === first.sessionId));
    expect(await deliveriesOf(admin, grant.endpoint.id)).toEqual([]);
    expect(r.received).toEqual([]);

    const { approvals } = await expectJson<IntegrationApprovalList>(
      admin.request('GET', '/api/integration-approvals'),
    );
    const request = approvals.find((a) => a.subjectId === grant.endpoint.id && a.state === 'pending')!;
    expect(request).toMatchObject({ kind: 'webhook', change: 'create', urlHost: new URL(r.url).host });
    const own = await admin.request('POST', `/api/integration-approvals/${request.id}/approve`, {
      reason: 'mine',
    });
    expect(own.status).toBe(403);
    await approvePending(approver, grant.endpoint.id);
    const second = await invite(s, handler);
    await openLink(s, second.token);
    await eventually(() => r.accepted('session.opened').some((e) => e.sessionId === second.sessionId));
    expect(r.accepted().map((e) => e.sessionId)).not.toContain(first.sessionId);

    // A new URL waits too, while the approved one keeps receiving; refused, it never applies.
    const moved = await expectJson<{ url: string }>(
      admin.request('PUT', `/api/webhooks/${grant.endpoint.id}`, {
        url: control.url.replace('/hook', '/elsewhere'),
        events: ['session.opened'],
      }),
    );
    expect(moved.url).toBe(r.url);
    const change = (
      await expectJson<IntegrationApprovalList>(approver.request('GET', '/api/integration-approvals'))
    ).approvals.find((a) => a.subjectId === grant.endpoint.id && a.state === 'pending')!;
    await expectJson(
      approver.request('POST', `/api/integration-approvals/${change.id}/refuse`, { reason: 'unknown host' }),
    );
    const actions = (
      await s.c.db
        .selectFrom('audit_events')
        .select('action')
        .where('subject_id', '=', grant.endpoint.id)
        .execute()
    ).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['integration.approval_refused', 'integration.refused']));
    for (const g of [grant, controlGrant])
      await admin.request('PUT', `/api/webhooks/${g.endpoint.id}`, {
        url: g.endpoint.url,
        events: ['session.opened'],
        enabled: false,
      });
  });

  it('retries a receiver that fails (500, then no answer in time) and delivers the event once', async () => {
    const r = await receiver();
    r.plan = ['fail', 'hang'];
    const grant = await subscribe(admin, approver, r, ['session.opened']);
    const { token } = await invite(s, handler);
    await openLink(s, token);
    await eventually(() => r.accepted('session.opened').length === 1);
    expect(r.received.map((x) => x.eventId)).toEqual(Array(3).fill(r.received[0]!.eventId));
    // Marked delivered once the receiver's answer is back, just after the receiver counts it.
    const [d] = await markedDelivered(admin, grant.endpoint.id);
    expect(d).toMatchObject({ state: 'delivered', attempts: 3, lastStatus: 204, lastError: null });
    await admin.request('PUT', `/api/webhooks/${grant.endpoint.id}`, {
      url: r.url,
      events: ['session.opened'],
      enabled: false,
    });
  });

  it('dead-letters after the last attempt, shows it with the receiver’s answer, and a manual retry delivers it', async () => {
    const r = await receiver();
    r.mode = 'fail';
    const grant = await subscribe(admin, approver, r, ['session.opened']);
    const { token } = await invite(s, handler);
    await openLink(s, token);
    const dead = await eventually(async () => (await deliveriesOf(admin, grant.endpoint.id, 'dead'))[0]);
    expect(r.received).toHaveLength(3);
    expect(dead).toMatchObject({ attempts: 3, lastStatus: 500, nextAttemptAt: null });
    expect(dead.lastError).toMatch(/^receiver exploded/);
    expect(dead.lastError!.length).toBeLessThanOrEqual(200);
    expect(await s.c.metrics.expose()).toMatch(/^sightline_webhook_backlog\{state="dead"\} [1-9]/m);

    r.mode = 'ok';
    const retried = await expectJson<WebhookDelivery>(
      admin.request('POST', `/api/webhooks/deliveries/${dead.id}/retry`),
    );
    expect(retried.state).not.toBe('dead');
    await eventually(() => r.accepted('session.opened').length === 1);
    const [after] = await markedDelivered(admin, grant.endpoint.id);
    expect(after).toMatchObject({ id: dead.id, state: 'delivered' });
    // Only a dead delivery can be retried; the retry is audited under the admin.
    const again = await admin.request('POST', `/api/webhooks/deliveries/${dead.id}/retry`);
    expect(again.status).toBe(409);
    const audit = await s.c.db
      .selectFrom('audit_events')
      .select(['action', 'actor_id'])
      .where('subject_id', '=', dead.id)
      .orderBy('seq')
      .execute();
    expect(audit).toEqual([{ action: 'webhook.retry', actor_id: admin.id }]);
    await admin.request('PUT', `/api/webhooks/${grant.endpoint.id}`, {
      url: r.url,
      events: ['session.opened'],
      enabled: false,
    });
  });

  it('signs with the old and the new secret after a rotation, and refuses a URL that is not http(s)', async () => {
    const r = await receiver();
    const grant = await subscribe(admin, approver, r, ['session.opened']);
    const rotated = await expectJson<WebhookSecretGrant>(
      admin.request('POST', `/api/webhooks/${grant.endpoint.id}/rotate-secret`),
    );
    expect(rotated.secret).not.toBe(grant.secret);
    expect(rotated.endpoint.previousSecretUntil).toBeGreaterThan(Date.now());
    r.secrets = [grant.secret]; // a receiver that has not switched yet
    const { token } = await invite(s, handler);
    await openLink(s, token);
    const got = await eventually<Received>(async () => r.received[0]);
    expect(got.accepted).toBe(true);
    const now = Math.floor(Date.now() / 1000);
    expect(verifySignature(got.signature, got.raw, [rotated.secret], now).ok).toBe(true);
    const bad = await admin.request('POST', '/api/webhooks', {
      url: 'ftp://cad.example/',
      events: ['session.opened'],
    });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('webhook_url_refused');
    await admin.request('PUT', `/api/webhooks/${grant.endpoint.id}`, {
      url: r.url,
      events: ['session.opened'],
      enabled: false,
    });
  });

  it('sends session.ended with reason expired when a link expires unopened', async () => {
    const r = await receiver();
    const grant = await subscribe(admin, approver, r, ['session.ended']);
    const { sessionId } = await invite(s, handler);
    await s.c.db
      .updateTable('sessions')
      .set({ expires_at: Date.now() - 1 })
      .where('id', '=', sessionId)
      .execute();
    await s.c.sessions.expireDue();
    expect((await s.c.sessions.summary(sessionId)).state).toBe('expired');
    const ended = await eventually(async () =>
      r.accepted('session.ended').find((e) => e.sessionId === sessionId),
    );
    expect(ended).toMatchObject({ type: 'session.ended', sessionId, data: { reason: 'expired' } });
    await admin.request('PUT', `/api/webhooks/${grant.endpoint.id}`, {
      url: r.url,
      events: ['session.ended'],
      enabled: false,
    });
  });

  it('a receiver that hangs does not hold up another endpoint’s deliveries', async () => {
    const slow = await receiver();
    slow.mode = 'hang';
    const quick = await receiver();
    const slowGrant = await subscribe(admin, approver, slow, ['session.opened']);
    const quickGrant = await subscribe(admin, approver, quick, ['session.opened']);
    await openLink(s, (await invite(s, handler)).token);
    const hanging = await eventually(async () => slow.received[0]);
    // A second event while the slow receiver still holds the first request open.
    const second = await invite(s, handler);
    await openLink(s, second.token);
    const got = await eventually(async () =>
      quick.received.find((x) => x.event.sessionId === second.sessionId),
    );
    expect(got.accepted).toBe(true);
    // It arrived while the slow receiver's request was still unanswered.
    expect(hanging.closedAt === null || got.at < hanging.closedAt).toBe(true);
    for (const [g, rec] of [
      [slowGrant, slow],
      [quickGrant, quick],
    ] as const)
      await admin.request('PUT', `/api/webhooks/${g.endpoint.id}`, {
        url: rec.url,
        events: ['session.opened'],
        enabled: false,
      });
  });

  it('an instance claims a delivery only as it saw it, and sends the body as claimed', async () => {
    const repo = new WebhookRepository(s.c.db);
    await rawEndpoint(s.c.db, 'claims', { enabled: 0 });
    // Instance A read the row; instance B then tried it, failed and rescheduled it.
    const seenByA = await rawDelivery(s, 'claims', 'claims-1');
    const now = Date.now();
    const b = await repo.claim(seenByA, 'instance-b', now, now + 60_000);
    expect(b?.lease_owner).toBe('instance-b');
    await repo.finish(seenByA.id, 'instance-b', {
      attempts: 1,
      next_attempt_at: now + 60_000,
      last_status: 500,
    });
    // A must not resend it ahead of its backoff, nor record attempt 1 again.
    expect(await repo.claim(seenByA, 'instance-a', Date.now(), Date.now() + 60_000)).toBeUndefined();
    const row = await repo.delivery(seenByA.id);
    expect(row).toMatchObject({ attempts: 1, lease_owner: null, next_attempt_at: now + 60_000 });

    // A newer fix replaced the body after the row was read: the claim gives the newer one.
    const seen = await rawDelivery(s, 'claims', 'claims-2', { body: '{"fix":"old"}' });
    await s.c.db
      .updateTable('webhook_deliveries')
      .set({ body: '{"fix":"new"}' })
      .where('id', '=', seen.id)
      .execute();
    const claimed = await repo.claim(seen, 'instance-a', Date.now(), Date.now() + 60_000);
    expect(claimed?.body).toBe('{"fix":"new"}');
  });

  it('deletes delivered deliveries after 7 days and dead letters after 30, in the background sweep, and audits it', async () => {
    await rawEndpoint(s.c.db, 'purge', { enabled: 0 });
    const now = Date.now();
    const row = (state: string, at: number) =>
      state === 'delivered'
        ? { state, delivered_at: at, last_attempt_at: at, next_attempt_at: null, attempts: 1 }
        : { state, delivered_at: null, last_attempt_at: at, next_attempt_at: null, attempts: 3 };
    await rawDelivery(s, 'purge', 'purge-delivered-old', row('delivered', now - 8 * DAY));
    await rawDelivery(s, 'purge', 'purge-delivered-new', row('delivered', now - 6 * DAY));
    await rawDelivery(s, 'purge', 'purge-dead-old', row('dead', now - 31 * DAY));
    await rawDelivery(s, 'purge', 'purge-dead-new', row('dead', now - 8 * DAY));
    await rawDelivery(s, 'purge', 'purge-pending-old', {
      created_at: now - 60 * DAY,
      scheduled_at: now - 60 * DAY,
    });
    const left = () =>
      s.c.db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('endpoint_id', '=', 'purge')
        .orderBy('id')
        .execute()
        .then((rows) => rows.map((r) => r.id));
    // The sweep runs every 15 s on whichever instance holds its lease. It deletes, then audits
    // what it deleted (the audit chain commits on its own connection), so wait for both. A sweep
    // may fall between the inserts above, so the counts are summed over this test's entries.
    const purged = async () => {
      const entries = (await s.c.audit.list({ limit: 20, action: 'webhook.purge' })).filter(
        (e) => e.at >= now,
      );
      const sum = (k: string) => entries.reduce((n, e) => n + Number(e.detail?.[k] ?? 0), 0);
      return { entries, delivered: sum('delivered'), dead: sum('dead') };
    };
    await eventually(async () => {
      const p = await purged();
      return (await left()).length === 3 && p.delivered + p.dead >= 2;
    }, 40_000);
    expect(await left()).toEqual(['purge-dead-new', 'purge-delivered-new', 'purge-pending-old']);
    const { entries, delivered, dead } = await purged();
    expect({ delivered, dead }).toEqual({ delivered: 1, dead: 1 });
    expect(entries[0]?.detail).toMatchObject({ keepDeliveredDays: 7, keepDeadDays: 30 });
  }, 60_000);
});

describe('webhooks across a restart', () => {
  it('sends what was still pending when the server stopped, from a new server on the same database', async () => {
    const shared = await mkdtemp(join(tmpdir(), 'sightline-webhooks-'));
    const database = await freshDatabase();
    const env = {
      ...WEBHOOK_ENV,
      // Slow retries: the backlog is still pending when the first server stops.
      SIGHTLINE_WEBHOOK_RETRY_BASE_MS: '1500',
      SIGHTLINE_WEBHOOK_MAX_ATTEMPTS: '10',
      SIGHTLINE_KEY_DIR: join(shared, 'keys'),
      SIGHTLINE_EVIDENCE_DIR: join(shared, 'evidence'),
      SIGHTLINE_DATABASE_URL: database?.url ?? `sqlite:${join(shared, 'sightline.db')}`,
    };
    const r = new Receiver();
    await r.start();
    let a: TestServer | null = await startServer({ env: { ...env, SIGHTLINE_INSTANCE_ID: 'before' } });
    let b: TestServer | null = null;
    try {
      const admin = await signIn(a, ['admin']);
      const approver = await signIn(a, ['admin']);
      const handler = await signIn(a, ['call-handler']);
      r.mode = 'fail';
      const grant = await subscribe(admin, approver, r, ['session.opened']);
      const opened: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { sessionId, token } = await invite(a, handler);
        await openLink(a, token);
        opened.push(sessionId);
      }
      await eventually(() => new Set(r.received.map((x) => x.eventId)).size === 3);
      await a.close();
      a = null;
      expect(r.accepted()).toEqual([]);

      r.mode = 'ok';
      const after = await startServer({ env: { ...env, SIGHTLINE_INSTANCE_ID: 'after' } });
      b = after;
      await eventually(() => r.accepted('session.opened').length === 3);
      expect(
        r
          .accepted()
          .map((e) => e.sessionId)
          .sort(),
      ).toEqual([...opened].sort());
      // The server marks a delivery delivered once the receiver's answer is back, just after
      // the receiver counts it: wait for the rows, not only for the receiver.
      const states = async () =>
        (
          await after.c.db
            .selectFrom('webhook_deliveries')
            .select(['state'])
            .where('endpoint_id', '=', grant.endpoint.id)
            .execute()
        ).map((x) => x.state);
      await eventually(async () => (await states()).every((st) => st === 'delivered'));
      expect(await states()).toEqual(['delivered', 'delivered', 'delivered']);
    } finally {
      await a?.close();
      await b?.close();
      await r.stop();
      await database?.drop();
      await rm(shared, { recursive: true, force: true });
    }
  });
});
