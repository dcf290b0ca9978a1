import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfficerClient, signIn, startServer, TestClock, type TestServer } from './harness.js';
import { recordedSession } from './recorded-session.js';

const DAY = 86_400_000;
const clock = new TestClock();
const source = new RtpSource();
let s: TestServer;
let supervisor: OfficerClient;
let kept: string;
let disposable: string;
let held: string;

beforeAll(async () => {
  await source.start(ensureClip());
  s = await startServer({
    clock,
    env: {
      SIGHTLINE_SEAL_INTERVAL_SECONDS: '1',
      SIGHTLINE_TRUST_PROXY: 'loopback',
      SIGHTLINE_RETENTION_NFPA_DAYS: '31',
    },
  });
  const handler = await signIn(s, ['call-handler']);
  supervisor = await signIn(s, ['supervisor']);
  kept = await recordedSession(s, handler, source, 2);
  disposable = await recordedSession(s, handler, source, 2);
  held = await recordedSession(s, handler, source, 2);
}, 180_000);
afterAll(async () => {
  await s?.close();
  await source.stop();
});

/** Officer sign-ins last 12 hours: after moving the clock, sign in again. */
const freshSupervisor = async () => {
  supervisor = await signIn(s, ['supervisor']);
};

const post = async (path: string, body: unknown) => {
  const res = await supervisor.request('POST', path, body);
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return res.json();
};

describe('retention and disposal', () => {
  it('classifies under MoPI groups and NFPA, holds one, and lists reviews that are due', async () => {
    await post(`/api/sessions/${kept}/classification`, { policyId: 'mopi-2', reason: 'GBH investigation' });
    const nfpa = (await post(`/api/sessions/${disposable}/classification`, {
      policyId: 'nfpa',
      reason: 'no offence disclosed',
    })) as { retainUntil: number };
    expect(Math.abs(nfpa.retainUntil - (clock.t + 31 * DAY))).toBeLessThan(5_000);
    await post(`/api/sessions/${held}/classification`, { policyId: 'nfpa', reason: 'no offence disclosed' });
    const h = (await post(`/api/sessions/${held}/hold`, { hold: true, reason: 'civil claim notified' })) as {
      legalHold: boolean;
    };
    expect(h.legalHold).toBe(true);
    const bad = await supervisor.request('POST', `/api/sessions/${kept}/classification`, {
      policyId: 'mopi-9',
      reason: 'typo',
    });
    expect(bad.status).toBe(400);

    clock.t += 10 * 365.25 * DAY;
    await freshSupervisor();
    const queue = (await (await supervisor.request('GET', '/api/retention/review-queue')).json()) as {
      sessions: Array<{ id: string }>;
    };
    expect(queue.sessions.map((x) => x.id)).toContain(kept);
    clock.t -= 10 * 365.25 * DAY;
    await freshSupervisor();
  });

  it('a dry run reports what would go, and why, without deleting anything', async () => {
    clock.t += 32 * DAY;
    await freshSupervisor();
    try {
      const report = (await (await supervisor.request('GET', '/api/retention/disposal-preview')).json()) as {
        dryRun: boolean;
        candidates: Array<{ sessionId: string; why: string; items: Array<{ sha256: string }> }>;
      };
      expect(report.dryRun).toBe(true);
      const ids = report.candidates.map((c) => c.sessionId);
      expect(ids).toContain(disposable);
      expect(ids).not.toContain(held); // legal hold
      expect(ids).not.toContain(kept); // group 2 is only disposed of after a review says so
      const mine = report.candidates.find((c) => c.sessionId === disposable)!;
      expect(mine.why).toMatch(/policy nfpa/);
      expect(mine.items.length).toBeGreaterThanOrEqual(4);
      const items = await s.c.evidence.list(disposable);
      expect(items.every((i) => i.disposedAt === null)).toBe(true);
    } finally {
      clock.t -= 32 * DAY;
    }
  });

  it('a real run deletes only what is due and not held, with an audited disposal record; a released hold then lets it go', async () => {
    clock.t += 32 * DAY;
    await freshSupervisor();
    try {
      const before = await s.c.evidence.list(disposable);
      expect(before.length).toBeGreaterThan(1);
      // An earlier run crashed after removing the first file and before the rows and the audit
      // entry: this run resumes it, and its entry must name that file too.
      const first = await s.c.db
        .selectFrom('evidence_items')
        .select('storage_key')
        .where('id', '=', before[0]!.id)
        .executeTakeFirstOrThrow();
      rmSync(join(s.dataDir, 'evidence', first.storage_key));
      await s.c.db
        .updateTable('evidence_items')
        .set({ disposed_at: clock.now() })
        .where('id', '=', before[0]!.id)
        .execute();
      await s.c.disposal.run({ dryRun: false, actor: { type: 'system' } });

      const after = await s.c.evidence.list(disposable);
      expect(after.every((i) => i.disposedAt !== null)).toBe(true);
      expect(after.map((i) => i.sha256)).toEqual(before.map((i) => i.sha256)); // the record and hashes remain
      for (const i of before) {
        const row = await s.c.db
          .selectFrom('evidence_items')
          .select('storage_key')
          .where('id', '=', i.id)
          .executeTakeFirstOrThrow();
        expect(existsSync(join(s.dataDir, 'evidence', row.storage_key))).toBe(false);
      }
      expect(await s.c.location.track(disposable)).toEqual([]);
      const playback = await supervisor.request('GET', `/api/evidence/${before[0]!.id}/content`);
      expect(playback.status).toBe(404);

      const audit = (await (
        await supervisor.request('GET', `/api/audit?subjectId=${disposable}&action=retention.dispose`)
      ).json()) as {
        entries: Array<{
          detail: { policyId: string; why: string; items: Array<{ sha256: string; fileName: string }> };
        }>;
      };
      expect(audit.entries).toHaveLength(1);
      expect(audit.entries[0]!.detail.policyId).toBe('nfpa');
      expect(audit.entries[0]!.detail.items.map((i) => i.sha256).sort()).toEqual(
        before.map((i) => i.sha256).sort(),
      );

      // Held and group-2 sessions are untouched.
      for (const id of [held, kept])
        expect((await s.c.evidence.list(id)).every((i) => i.disposedAt === null)).toBe(true);

      await post(`/api/sessions/${held}/hold`, { hold: false, reason: 'claim settled' });
      await s.c.disposal.run({ dryRun: false, actor: { type: 'system' } });
      expect((await s.c.evidence.list(held)).every((i) => i.disposedAt !== null)).toBe(true);
      expect((await s.c.evidence.list(kept)).every((i) => i.disposedAt === null)).toBe(true);
    } finally {
      clock.t -= 32 * DAY;
    }
  });

  it('a review can decide to dispose of a group-2 session, which then goes at the next run', async () => {
    clock.t += 10 * 365.25 * DAY;
    await freshSupervisor();
    try {
      await post(`/api/sessions/${kept}/review`, {
        outcome: 'dispose',
        reason: 'proceedings concluded, no further value',
      });
      await s.c.disposal.run({ dryRun: false, actor: { type: 'system' } });
      expect((await s.c.evidence.list(kept)).every((i) => i.disposedAt !== null)).toBe(true);
      const audit = await s.c.audit.list({ limit: 10, subjectId: kept });
      expect(audit.map((a) => a.action)).toEqual(
        expect.arrayContaining(['retention.review', 'retention.dispose']),
      );
    } finally {
      clock.t -= 10 * 365.25 * DAY;
    }
  });

  it('never disposes of an unclassified session before its default period', async () => {
    const preview = await s.c.disposal.candidates();
    expect(preview).toEqual([]);
  });
});
