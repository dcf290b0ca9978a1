import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AmlQuarantineList } from '@sightline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cookieFrom,
  eventually,
  expectJson,
  invite,
  type OfficerClient,
  openConsole,
  openLink,
  signIn,
  startServer,
  TestClock,
  type TestServer,
  TestSocket,
} from './harness.js';
import { clientCertFrom, selfSignedCert } from './self-signed.js';

const SECRET = 'aml-test-secret-0123456789abcdef';
const DAY = 86_400_000;
let s: TestServer;
let handler: OfficerClient;
let supervisor: OfficerClient;
const clock = new TestClock();

beforeAll(async () => {
  s = await startServer({ clock, env: { SIGHTLINE_AML_SECRET: SECRET, SIGHTLINE_AML_RETENTION_DAYS: '7' } });
  handler = await signIn(s, ['call-handler']);
  supervisor = await signIn(s, ['supervisor']);
});
afterAll(() => s?.close());

/** A message in the HTTPS form, positioned a few seconds ago unless told otherwise. */
function https(number: string, o: { lat?: number; lon?: number; accuracy?: number; time?: number } = {}) {
  return [
    'v=1',
    'emergency_number=999',
    `location_latitude=${o.lat ?? 51.50809}`,
    `location_longitude=${o.lon ?? -0.12859}`,
    `location_accuracy=${o.accuracy ?? 25}`,
    `location_time=${o.time ?? clock.now() - 5_000}`,
    'location_source=gps',
    'location_certainty=68',
    `device_number=${encodeURIComponent(number)}`,
    'device_imei=355458061005220',
    'device_imsi=234159000000000',
    'network_mcc=234',
    'network_mnc=15',
  ].join('&');
}

/** The SMS form as Google documents ELS V1, positioned now (UTC yyyyMMddHHmmss). */
function sms(): string {
  const top = new Date(clock.now() - 5_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `A"ML=1;lt=+51.53321;lg=-0.12601;rd=14;top=${top};lc=68;pm=W;si=234159000000000;ei=123456789012345;mcc=234;mnc=15;ml=126`;
}

function post(body: string, headers: Record<string, string> = {}) {
  return fetch(`${s.url}/api/aml`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Bearer ${SECRET}`,
      ...headers,
    },
    body,
  });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const amlItems = async (sessionId: string) =>
  (await s.c.evidence.list(sessionId)).filter((i) => i.kind === 'aml-message');

describe('AML intake', () => {
  it('attaches a message for an open session at once: evidence with the sha256 of the bytes, timeline, and the console map', async () => {
    const { sessionId } = await invite(s, handler, '07700 900101');
    const console = await openConsole(s, handler);
    console.send({ type: 'watch', sessionId });
    const body = https('+447700900101');
    const accepted = await expectJson<{ id: string; sessionId: string; sha256: string }>(post(body));
    expect(accepted).toMatchObject({ sessionId, sha256: sha256(body) });
    const [item] = await amlItems(sessionId);
    expect(item).toMatchObject({ sha256: sha256(body), size: Buffer.byteLength(body) });
    const key = (
      await s.c.db
        .selectFrom('evidence_items')
        .select('storage_key')
        .where('id', '=', item!.id)
        .executeTakeFirstOrThrow()
    ).storage_key;
    expect(readFileSync(join(s.dataDir, 'evidence', key), 'utf8')).toBe(body);
    const live = await console.next((m) => m.type === 'aml.fix');
    expect(live).toMatchObject({
      sessionId,
      fix: { lat: 51.50809, lon: -0.12859, radiusM: 25, method: 'gnss', confidence: 68, format: 'https' },
      comparison: null,
    });
    expect(JSON.stringify(live)).not.toContain('355458061005220'); // the IMEI stays on the server
    const detail = await expectJson<{ timeline: Array<{ type: string; detail: string }> }>(
      handler.request('GET', `/api/sessions/${sessionId}`),
    );
    expect(detail.timeline.find((e) => e.type === 'aml.received')?.detail).toBe(
      'network location (GPS), within 25 m',
    );
    console.close();
  });

  it('accepts the SMS form with its sender in X-AML-Originator', async () => {
    const { sessionId } = await invite(s, handler, '07700 900102');
    const body = sms();
    const res = await expectJson<{ sessionId: string }>(
      post(body, { 'content-type': 'text/plain', 'x-aml-originator': '+447700900102' }),
    );
    expect(res.sessionId).toBe(sessionId);
    expect((await amlItems(sessionId)).map((i) => i.sha256)).toEqual([sha256(body)]);
  });

  it('keeps a message that arrives before the link and attaches it when the session is created', async () => {
    const body = https('+447700900103');
    const early = await expectJson<{ id: string; sessionId: string | null }>(post(body));
    expect(early.sessionId).toBeNull();
    const { sessionId } = await invite(s, handler, '07700 900103');
    const [item] = await eventually(async () => {
      const items = await amlItems(sessionId);
      return items.length ? items : null;
    });
    expect(item!.sha256).toBe(sha256(body));
    // The row names its evidence item just after the item is recorded.
    const row = await eventually(() =>
      s.c.db
        .selectFrom('aml_messages')
        .select(['session_id', 'evidence_id'])
        .where('id', '=', early.id)
        .where('evidence_id', 'is not', null)
        .executeTakeFirst(),
    );
    expect(row).toEqual({ session_id: sessionId, evidence_id: item!.id });
  });

  it('does not attach a message positioned outside the window to a new session', async () => {
    const old = await expectJson<{ id: string }>(
      post(https('+447700900104', { time: clock.now() - 2 * 3_600_000 })),
    );
    const { sessionId } = await invite(s, handler, '07700 900104');
    await s.c.aml.sessionCreated(sessionId);
    expect(await amlItems(sessionId)).toEqual([]);
    const row = await s.c.db
      .selectFrom('aml_messages')
      .select('session_id')
      .where('id', '=', old.id)
      .executeTakeFirstOrThrow();
    expect(row.session_id).toBeNull();
  });

  it('refuses each kind of malformed message with field errors, keeps it in the quarantine, and lists it to a supervisor (audited)', async () => {
    const cases: Array<[string, Record<string, string>, Record<string, string>?]> = [
      [https('+447700900105', { lat: 91 }), { location_latitude: 'must be between -90 and 90' }],
      [
        https('+447700900105').replace(/&location_accuracy=[^&]+/, ''),
        { location_accuracy: expect.any(String) },
      ],
      [
        https('+447700900105').replace(/location_time=\d+/, 'location_time=20261399250000'),
        { location_time: 'not a real date and time (yyyyMMddHHmmss, UTC)' },
      ],
      [https('not-a-number'), { device_number: expect.stringMatching(/phone number/) }],
      [
        sms().replace('pm=W', 'pm=N'),
        { pm: 'N: the handset had no position to send' },
        { 'x-aml-originator': '+447700900105' },
      ],
      [sms(), { originator: expect.stringMatching(/X-AML-Originator/) }],
      ['', { _: 'empty message' }],
    ];
    const ids: string[] = [];
    for (const [body, fields, headers] of cases) {
      const res = await post(body, headers);
      const answer = (await res.json()) as {
        error: { code: string; message: string; fields: Record<string, string> };
      };
      expect(res.status, body).toBe(400);
      expect(answer.error.code).toBe('bad_request');
      expect(answer.error.fields).toEqual(fields);
      ids.push(/kept for inspection as (\S+)$/.exec(answer.error.message)![1]!);
    }
    expect(
      (await handler.request('GET', '/api/aml/quarantine')).status,
      'call handlers do not read the quarantine',
    ).toBe(403);
    const list = await expectJson<AmlQuarantineList>(supervisor.request('GET', '/api/aml/quarantine'));
    const byId = new Map(list.items.map((q) => [q.id, q]));
    for (const [i, id] of ids.entries()) {
      expect(byId.get(id)?.raw).toBe(cases[i]![0]);
      expect(byId.get(id)?.errors).toEqual(cases[i]![1]);
    }
    const reads = await s.c.audit.list({ limit: 10, action: 'aml.quarantine.read' });
    expect(reads.some((a) => a.actorType === 'officer' && a.actorId === supervisor.id)).toBe(true);
  });

  it('refuses a wrong or missing secret before reading the message, and stores nothing', async () => {
    const before = (await s.c.db.selectFrom('aml_messages').select('id').execute()).length;
    for (const authorization of [`Bearer ${SECRET}x`, 'Bearer short', '']) {
      const res = await post(https('+447700900106'), { authorization });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    }
    expect((await s.c.db.selectFrom('aml_messages').select('id').execute()).length).toBe(before);
  });

  it('flags a network fix that disagrees with the phone’s GPS by more than both radii', async () => {
    const { sessionId, token } = await invite(s, handler, '07700 900107');
    const caller = await TestSocket.open(
      `${s.wsUrl}/ws/caller`,
      cookieFrom(await openLink(s, token), 'sl_caller'),
    );
    await caller.next((m) => m.type === 'chat.history');
    caller.send({ type: 'consent', decision: 'accepted' });
    await caller.next((m) => m.type === 'consent.recorded');
    const gps = {
      lat: 51.5,
      lon: -0.12,
      accuracy: 20,
      altitude: null,
      altitudeAccuracy: null,
      heading: null,
      speed: null,
    };
    caller.send({ type: 'location.fix', fix: { ...gps, fixTime: clock.now() } });
    await eventually(async () => (await s.c.sessions.summary(sessionId)).lastFix);
    const console = await openConsole(s, handler);
    console.send({ type: 'watch', sessionId });
    // 0.01° north: 1.1 km from the GPS fix, far beyond 50 m + 20 m.
    await expectJson(post(https('+447700900107', { lat: 51.51, lon: -0.12, accuracy: 50 })));
    const live = (await console.next((m) => m.type === 'aml.fix')) as {
      comparison: { distanceM: number; amlRadiusM: number; gpsRadiusM: number; disagree: boolean };
    };
    expect(live.comparison).toMatchObject({ amlRadiusM: 50, gpsRadiusM: 20, disagree: true });
    expect(Math.round(live.comparison.distanceM)).toBe(1112);
    // A console arriving later is told the same on watch.
    const later = await openConsole(s, supervisor);
    later.send({ type: 'watch', sessionId });
    expect(await later.next((m) => m.type === 'aml.fix')).toMatchObject({ comparison: { disagree: true } });
    for (const sock of [caller, console, later]) sock.close();
  });

  it('deletes unmatched and quarantined messages, and their stored bytes, after the AML retention', async () => {
    const waiting = await expectJson<{ id: string }>(post(https('+447700900108')));
    const key = `aml/${waiting.id}.txt`;
    expect(readFileSync(join(s.dataDir, 'evidence', key), 'utf8')).toContain('device_number');
    clock.t += 8 * DAY;
    try {
      const swept = await s.c.aml.sweep();
      expect(swept.unmatched).toBeGreaterThanOrEqual(1);
      expect(swept.quarantined).toBeGreaterThanOrEqual(1);
      const left = await s.c.db
        .selectFrom('aml_messages')
        .select('id')
        .where('id', '=', waiting.id)
        .execute();
      expect(left).toEqual([]);
      expect(() => readFileSync(join(s.dataDir, 'evidence', key))).toThrow();
      expect((await s.c.db.selectFrom('aml_quarantine').select('id').execute()).length).toBe(0);
      // Attached messages are the session's evidence now: the sweep leaves them to the session's retention.
      expect(
        (await s.c.db.selectFrom('aml_messages').select('id').where('session_id', 'is not', null).execute())
          .length,
      ).toBeGreaterThan(0);
    } finally {
      clock.t -= 8 * DAY;
    }
  });
});

describe('AML and disposal', () => {
  it('deletes the parsed rows (MSISDN, IMEI, IMSI) and the raw message with their session', async () => {
    const { sessionId } = await invite(s, handler, '07700 900110');
    await expectJson(post(https('+447700900110')));
    const [item] = await amlItems(sessionId);
    await expectJson(handler.request('POST', `/api/sessions/${sessionId}/end`, {}));
    clock.t += 32 * DAY;
    try {
      await s.c.disposal.run({ dryRun: false, actor: { type: 'system' } });
      const rows = await s.c.db
        .selectFrom('aml_messages')
        .select('id')
        .where('session_id', '=', sessionId)
        .execute();
      expect(rows).toEqual([]);
      expect((await amlItems(sessionId)).map((i) => [i.id, i.disposedAt !== null])).toEqual([
        [item!.id, true],
      ]);
      const audit = await s.c.audit.list({ limit: 5, subjectId: sessionId, action: 'retention.dispose' });
      expect(audit[0]?.detail).toMatchObject({ amlMessagesDeleted: 1 });
    } finally {
      clock.t -= 32 * DAY;
    }
  });
});

describe('AML with client certificates', () => {
  let t: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'sightline-aml-'));
  const network = clientCertFrom(dir, 'network');
  const stranger = clientCertFrom(dir, 'stranger');

  beforeAll(async () => {
    const server = selfSignedCert(dir, 'server');
    t = await startServer({
      env: {
        SIGHTLINE_TLS_CERT: server.cert,
        SIGHTLINE_TLS_KEY: server.key,
        SIGHTLINE_PUBLIC_URL: 'https://127.0.0.1:8443',
        SIGHTLINE_AML_CLIENT_CA: network.ca,
        SIGHTLINE_AML_RATE_PER_MINUTE: '4',
      },
    });
  });
  afterAll(() => t?.close());

  function send(cert: { key: string; cert: string } | null) {
    const url = new URL('/api/aml', t.url.replace('http:', 'https:'));
    return new Promise<number>((resolve, reject) => {
      const req = httpsRequest(
        url,
        {
          method: 'POST',
          rejectUnauthorized: false,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          ...(cert ? { key: readFileSync(cert.key), cert: readFileSync(cert.cert) } : {}),
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(https('+447700900109'));
    });
  }

  it('takes messages only from a client certificate issued by the configured CA, refusals counting against the rate limit', async () => {
    expect(await send(null)).toBe(401);
    expect(await send(stranger)).toBe(401);
    expect(await send(network)).toBe(200);
    // Four a minute here: the two refusals counted, so the fourth request is the last let through.
    expect(await send(network)).toBe(200);
    expect(await send(network)).toBe(429);
  });
});
