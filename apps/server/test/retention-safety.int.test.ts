import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_DATE_MS } from '@sightline/protocol';
import { type SyntheticCall, syntheticCall } from '@sightline/testkit/caller';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonApi, type OfficerClient, signIn, startServer, TestClock, type TestServer } from './harness.js';
import { recordedSession } from './recorded-session.js';
import { testDatabase } from './test-db.js';

// Issue 8 item 1: retention can never destroy evidence early. Each test drives the real server
// (Janus, SQLite, evidence store) the way a supervisor or the scheduled job would.

const DAY = 86_400_000;
const YEAR = 365.25 * DAY;
const clock = new TestClock();
const source = new RtpSource();
let s: TestServer;
let supervisor: OfficerClient;
let dpo: OfficerClient;
let live: SyntheticCall;
let ended: string;
let tampered: string;

beforeAll(async () => {
  await source.start(ensureClip());
  s = await startServer({
    clock,
    env: { SIGHTLINE_SEAL_INTERVAL_SECONDS: '1', SIGHTLINE_TRUST_PROXY: 'loopback' },
  });
  const handler = await signIn(s, ['call-handler']);
  supervisor = await signIn(s, ['supervisor']);
  dpo = await signIn(s, ['dpo']);
  ended = await recordedSession(s, handler, source, 2);
  tampered = await recordedSession(s, handler, source, 2);
  live = await syntheticCall(s.url, jsonApi(handler), source);
}, 180_000);
afterAll(async () => {
  live?.hangUp();
  await s?.close();
  await source.stop();
});

const classify = (id: string, body: Record<string, unknown>) =>
  supervisor.request('POST', `/api/sessions/${id}/classification`, {
    reason: 'test classification',
    ...body,
  });

const errorOf = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message;

const listingsStillWork = async () => {
  const library = await supervisor.request('GET', '/api/library/sessions');
  expect(library.status, await library.clone().text()).toBe(200);
  const sar = await dpo.request('GET', `/api/sar/sessions?phone=${encodeURIComponent('07911 123456')}`);
  expect(sar.status, await sar.clone().text()).toBe(200);
};

const retentionOf = async (id: string) =>
  s.c.db
    .selectFrom('sessions')
    .select(['state', 'retain_until', 'review_due_at', 'policy_id', 'disposed_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe('classification inputs are validated and bounded', () => {
  it('refuses a date of birth that is not a real past date, with a 400 naming the field', async () => {
    const future = new Date(clock.now() + 2 * DAY).toISOString().slice(0, 10);
    for (const dob of ['2023-02-30', '1990-04-31', '2023-13-01', future, '1850-06-01', '0000-01-01']) {
      const res = await classify(ended, { policyId: 'mopi-1', subjectDateOfBirth: dob });
      expect(res.status, `${dob}: ${await res.clone().text()}`).toBe(400);
      expect(await errorOf(res)).toMatch(/subjectDateOfBirth/);
    }
    expect((await retentionOf(ended)).policy_id).toBeNull();
  });

  it('refuses a clear-period start in seconds (it must be milliseconds), saying so', async () => {
    const seconds = Math.floor(clock.now() / 1000);
    const res = await classify(ended, { policyId: 'mopi-3', clearPeriodStart: seconds });
    expect(res.status).toBe(400);
    const message = await errorOf(res);
    expect(message).toMatch(/clearPeriodStart/);
    expect(message).toMatch(/seconds/);
    expect(message).toMatch(/milliseconds/);
  });

  it('refuses a clear-period start that would make the library unserialisable, and listings stay 200', async () => {
    for (const clearPeriodStart of [Number.MAX_SAFE_INTEGER - 1, clock.now() + 30 * DAY, 8.64e15]) {
      const res = await classify(ended, { policyId: 'nfpa', clearPeriodStart });
      expect(res.status, `${clearPeriodStart}: ${await res.clone().text()}`).toBe(400);
      expect(await errorOf(res)).toMatch(/clearPeriodStart/);
    }
    expect((await retentionOf(ended)).retain_until).toBeNull();
    await listingsStillWork();
  });

  it('refuses a classification whose retention date would fall before the session was created', async () => {
    // A valid time in itself, but a 31-day period starting in 1995 ended long before this recording.
    const res = await classify(ended, { policyId: 'nfpa', clearPeriodStart: Date.UTC(1995, 0, 1) });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatch(/before the session/);
    const old = await classify(ended, { policyId: 'mopi-1', subjectDateOfBirth: '1920-01-01' });
    expect(old.status).toBe(400);
    expect((await retentionOf(ended)).retain_until).toBeNull();
  });

  it('a bad value already in the database does not turn the library or SAR listing into a 500', async () => {
    // As a classification stored before these checks existed could have left it. SQLite holds
    // anything in a BIGINT column; PostgreSQL refuses a non-integer outright, and a time beyond
    // any Date that still fits a BIGINT is the bad value it can hold. (One beyond 2^53 fails the
    // read loudly by design: see postgres.int.test.ts.)
    const bad =
      testDatabase === 'postgres'
        ? { retain_until: MAX_DATE_MS + 31 * DAY, review_due_at: MAX_DATE_MS + 1 }
        : { retain_until: Number.MAX_SAFE_INTEGER + 31 * DAY, review_due_at: 1e300 };
    if (testDatabase === 'postgres')
      await expect(
        s.c.db.updateTable('sessions').set({ review_due_at: 1e300 }).where('id', '=', tampered).execute(),
      ).rejects.toThrow(/bigint/);
    await s.c.db.updateTable('sessions').set(bad).where('id', '=', tampered).execute();
    try {
      await listingsStillWork();
      const one = await supervisor.request('GET', `/api/library/sessions/${tampered}`);
      expect(one.status, await one.clone().text()).toBe(200);
    } finally {
      await s.c.db
        .updateTable('sessions')
        .set({ retain_until: null, review_due_at: null })
        .where('id', '=', tampered)
        .execute();
    }
  });
});

describe('disposal only touches ended sessions whose dates have passed', () => {
  it('never disposes of a live session, even when a review marked it for disposal; its spool folder stays', async () => {
    const spool = join(s.dataDir, 'recordings', live.sessionId);
    expect(existsSync(spool)).toBe(true);
    expect((await classify(live.sessionId, { policyId: 'nfpa' })).status).toBe(200);
    const review = await supervisor.request('POST', `/api/sessions/${live.sessionId}/review`, {
      outcome: 'dispose',
      reason: 'marked for disposal mid-call',
    });
    expect(review.status).toBe(200);
    expect(Number((await retentionOf(live.sessionId)).retain_until)).toBeLessThanOrEqual(clock.now());

    const report = await s.c.disposal.run({ dryRun: false, actor: { type: 'system' } });
    expect(report.candidates.map((c) => c.sessionId)).not.toContain(live.sessionId);
    expect((await retentionOf(live.sessionId)).disposed_at).toBeNull();
    expect(existsSync(spool)).toBe(true);
    // Still in progress (live, or between publishes), never ended by the disposal run.
    expect(['ended', 'expired']).not.toContain((await retentionOf(live.sessionId)).state);
  });

  it('refuses and flags a candidate whose retention date is earlier than its own creation', async () => {
    const created = await s.c.db
      .selectFrom('sessions')
      .select('created_at')
      .where('id', '=', tampered)
      .executeTakeFirstOrThrow();
    // A record written before classification was validated (or altered in the database).
    await s.c.db
      .updateTable('sessions')
      .set({ policy_id: 'nfpa', retain_until: Number(created.created_at) - DAY, review_due_at: null })
      .where('id', '=', tampered)
      .execute();

    const report = await s.c.disposal.run({ dryRun: false, actor: { type: 'system' } });
    expect(report.candidates.map((c) => c.sessionId)).not.toContain(tampered);
    expect(report.refused.map((r) => r.sessionId)).toContain(tampered);
    expect((await retentionOf(tampered)).disposed_at).toBeNull();
    expect((await s.c.evidence.list(tampered)).every((i) => i.disposedAt === null)).toBe(true);

    // The supervisor sees it in the retention report, and the audit trail records the refusal.
    const preview = (await (await supervisor.request('GET', '/api/retention/disposal-preview')).json()) as {
      refused: Array<{ sessionId: string; why: string }>;
    };
    const flagged = preview.refused.find((r) => r.sessionId === tampered);
    expect(flagged?.why).toMatch(/before the session was created/);
    const audit = await s.c.audit.list({ limit: 20, subjectId: tampered });
    expect(audit.map((a) => a.action)).toContain('retention.refused');
    await listingsStillWork();
  });

  // Last: two years on, every unclassified session in this file is due under the default period.
  it('keeps an ended session whose retention date has passed until its review date has passed too', async () => {
    // MoPI group 1: kept until the subject is 100, reviewed every 10 years. The subject turns 100
    // in about a year; two years on, the review (ten years on) is still to come.
    const dob = new Date(clock.now() - 99 * YEAR).toISOString().slice(0, 10);
    const res = await classify(ended, { policyId: 'mopi-1', subjectDateOfBirth: dob });
    expect(res.status, await res.clone().text()).toBe(200);
    clock.t += 2 * YEAR;
    try {
      const r = await retentionOf(ended);
      expect(Number(r.retain_until)).toBeLessThan(clock.now());
      expect(Number(r.review_due_at)).toBeGreaterThan(clock.now());
      await s.c.disposal.run({ dryRun: false, actor: { type: 'system' } });
      expect((await retentionOf(ended)).disposed_at).toBeNull();
      expect((await s.c.evidence.list(ended)).every((i) => i.disposedAt === null)).toBe(true);
    } finally {
      clock.t -= 2 * YEAR;
    }
  });
});
