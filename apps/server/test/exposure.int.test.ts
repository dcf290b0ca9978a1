import { randomUUID } from 'node:crypto';
import type { SessionDetail, WellbeingReport } from '@sightline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invite, type OfficerClient, signIn, startServer, type TestServer } from './harness.js';

// Protecting the people who watch: the exposure log (intervals seen clearly, counted once),
// distressing marks (timeline and log), and the wellbeing view (who may see it, audited each
// time, thresholds flagged). The thresholds are set low so a few reported seconds cross them.

let s: TestServer;
let handler: OfficerClient;
let supervisor: OfficerClient;
let sessionId: string;

beforeAll(async () => {
  s = await startServer({
    env: {
      SIGHTLINE_WELLBEING_LIVE_MINUTES: '1',
      SIGHTLINE_WELLBEING_RECORDED_MINUTES: '5',
      SIGHTLINE_WELLBEING_DISTRESSING_MARKS: '1',
    },
  });
  handler = await signIn(s, ['call-handler']);
  supervisor = await signIn(s, ['supervisor']);
  sessionId = (await invite(s, handler)).sessionId;
});
afterAll(() => s?.close());

const interval = (seenMs: number, kind: 'live' | 'recorded' = 'live', sid = sessionId) => ({
  id: randomUUID(),
  sessionId: sid,
  kind,
  spanMs: 20_000,
  seenMs,
});

async function report(o: OfficerClient, intervals: unknown[]) {
  const res = await o.request('POST', '/api/exposure/intervals', { intervals });
  return { status: res.status, body: (await res.json()) as { counted: number } };
}

async function wellbeing(o: OfficerClient = supervisor): Promise<WellbeingReport> {
  const res = await o.request('GET', '/api/wellbeing?days=1');
  expect(res.status).toBe(200);
  return (await res.json()) as WellbeingReport;
}

const mine = (r: WellbeingReport, officerId: string) => r.officers.find((o) => o.officerId === officerId);
const total = (r: WellbeingReport, officerId: string, k: 'liveMs' | 'recordedMs') =>
  mine(r, officerId)?.shifts.reduce((n, sh) => n + sh[k], 0) ?? 0;

describe('the exposure log', () => {
  it('counts a retried report once, and ignores a session that does not exist', async () => {
    const a = interval(18_000);
    const b = interval(20_000);
    expect((await report(handler, [a, b])).body.counted).toBe(2);
    // The tab retried after a network failure: same ids, nothing new.
    expect((await report(handler, [a, b])).body.counted).toBe(0);
    expect((await report(handler, [interval(5_000, 'live', randomUUID())])).body.counted).toBe(0);
    expect((await report(handler, [interval(4_000, 'recorded')])).body.counted).toBe(1);
    const r = await wellbeing();
    expect(total(r, handler.id, 'liveMs')).toBe(38_000);
    expect(total(r, handler.id, 'recordedMs')).toBe(4_000);
  });

  it('refuses an interval that claims more seen than elapsed, or longer than two minutes', async () => {
    expect((await report(handler, [{ ...interval(21_000), spanMs: 20_000 }])).status).toBe(400);
    expect((await report(handler, [{ ...interval(10_000), spanMs: 600_000 }])).status).toBe(400);
    expect((await report(handler, [])).status).toBe(400);
  });

  it('lets only those who watch footage report it (not an administrator)', async () => {
    const admin = await signIn(s, ['admin']);
    expect((await report(admin, [interval(1_000)])).status).toBe(403);
    const dpo = await signIn(s, ['dpo']);
    expect((await report(dpo, [interval(1_000, 'recorded')])).status).toBe(200);
  });

  it('limits how often one officer may report', async () => {
    const busy = await signIn(s, ['call-handler']);
    const statuses: number[] = [];
    for (let i = 0; i < 62; i++) statuses.push((await report(busy, [interval(100)])).status);
    expect(statuses.slice(0, 60).every((st) => st === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Another officer behind the same address is not held back.
    expect((await report(handler, [interval(100)])).status).toBe(200);
  });
});

describe('marking footage as distressing', () => {
  it('adds a neutral event to the timeline (no name, no note) and the mark, with its note, to the log; once per id', async () => {
    const body = { id: randomUUID(), sessionId, kind: 'live', note: 'a child was hurt' };
    const first = await handler.request('POST', '/api/exposure/marks', body);
    expect(first.status).toBe(201);
    expect((await handler.request('POST', '/api/exposure/marks', body)).status).toBe(201);
    const detail = (await (
      await handler.request('GET', `/api/sessions/${sessionId}`)
    ).json()) as SessionDetail;
    const events = detail.timeline.filter((e) => e.type === 'viewer.distressing');
    expect(events).toHaveLength(1);
    expect(events[0]!.actor).toBe('viewer');
    expect(events[0]!.detail).toBe('live video');
    expect(JSON.stringify(detail.timeline)).not.toContain('a child was hurt');
    const shifts = mine(await wellbeing(), handler.id)!.shifts;
    expect(shifts.flatMap((sh) => sh.marks).map((m) => m.note)).toEqual(['a child was hurt']);
    const marked = await s.c.audit.list({ limit: 10, action: 'exposure.mark' });
    // Audited on the officer (occupational-health data), never on the session, whose audit
    // entries go into its evidence exports.
    expect(marked.filter((e) => e.subjectId === handler.id)).toHaveLength(1);
    expect(marked.filter((e) => e.subjectId === sessionId)).toHaveLength(0);
  });

  it('refuses a mark from someone who cannot see the session, as if it did not exist', async () => {
    const field = await signIn(s, ['field-officer']);
    const res = await field.request('POST', '/api/exposure/marks', {
      id: randomUUID(),
      sessionId,
      kind: 'live',
    });
    expect(res.status).toBe(404);
    const detail = (await (
      await handler.request('GET', `/api/sessions/${sessionId}`)
    ).json()) as SessionDetail;
    expect(detail.timeline.filter((e) => e.type === 'viewer.distressing')).toHaveLength(1);
  });

  it('records where in a recording the mark was made', async () => {
    const res = await handler.request('POST', '/api/exposure/marks', {
      id: randomUUID(),
      sessionId,
      kind: 'recorded',
      itemId: 'item-1',
      mediaTime: 83.4,
    });
    expect(res.status).toBe(201);
    const detail = (await (
      await handler.request('GET', `/api/sessions/${sessionId}`)
    ).json()) as SessionDetail;
    expect(detail.timeline.map((e) => e.detail)).toContain('recording at 1:23');
  });
});

describe('the wellbeing view', () => {
  it('is for supervisors only: not call handlers, administrators or the DPO', async () => {
    for (const roles of [['call-handler'], ['admin'], ['dpo']] as const) {
      const o = await signIn(s, [...roles]);
      const res = await o.request('GET', '/api/wellbeing');
      expect(res.status, roles[0]).toBe(403);
    }
  });

  it('audits every view, not just the first', async () => {
    const before = (await s.c.audit.list({ limit: 100, action: 'wellbeing.read' })).length;
    await wellbeing();
    await wellbeing();
    const after = await s.c.audit.list({ limit: 100, action: 'wellbeing.read' });
    expect(after.length).toBe(before + 2);
    expect(after[0]!.actorId).toBe(supervisor.id);
  });

  it('flags the shifts that reached a threshold, and only those officers', async () => {
    const calm = await signIn(s, ['call-handler']);
    expect((await report(calm, [interval(5_000)])).status).toBe(200);
    // The handler has 38 s live so far; 30 s more passes the 1-minute threshold.
    await report(handler, [interval(15_000), interval(15_000)]);
    const r = await wellbeing();
    const flags = (id: string) => mine(r, id)!.shifts.flatMap((sh) => sh.flags);
    expect(flags(handler.id)).toEqual(expect.arrayContaining(['live', 'distressing']));
    expect(flags(handler.id)).not.toContain('recorded');
    expect(flags(calm.id)).toEqual([]);
    expect(r.thresholds).toEqual({ liveMinutes: 1, recordedMinutes: 5, distressingMarks: 1 });
    expect(r.shiftPlan).toEqual({ starts: ['07:00', '19:00'], timeZone: 'Europe/London' });
  });

  it("shows each officer their own exposure and no one else's, and audits that too", async () => {
    const res = await handler.request('GET', '/api/exposure/mine');
    expect(res.status).toBe(200);
    const r = (await res.json()) as WellbeingReport;
    expect(r.officers.map((o) => o.officerId)).toEqual([handler.id]);
    const own = await s.c.audit.list({ limit: 10, action: 'exposure.read_own' });
    expect(own.some((e) => e.subjectId === handler.id)).toBe(true);
  });
});
