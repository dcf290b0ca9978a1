import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocationFix, Outcome, OutcomeList, SessionDetail } from '@sightline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestBody } from '../src/evidence/export/manifest.js';
import { verifyPackage } from '../src/evidence/export/verify-package.js';
import {
  cookieFrom,
  eventually,
  type OfficerClient,
  openLink,
  signIn,
  startServer,
  TestClock,
  type TestServer,
  TestSocket,
} from './harness.js';
import { readZip } from './zip-tools.js';

// The pilot workflows' outcomes: each recorded, audited, on the timeline and in a verified
// export; a bail check's location from the server's latest fix; the missing-person no-fix
// alert raised and cleared by the server's sweep on the injected clock, with no console open.

const MIN = 60_000;
const clock = new TestClock();
let s: TestServer;
let handler: OfficerClient;
let supervisor: OfficerClient;
let dpo: OfficerClient;
const ids: Record<'triage' | 'bail' | 'search', string> = { triage: '', bail: '', search: '' };

const fixAt = (lat: number, at: number): LocationFix => ({
  lat,
  lon: -0.1276,
  accuracy: 7,
  altitude: null,
  altitudeAccuracy: null,
  heading: null,
  speed: null,
  fixTime: at,
});

async function send(body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const res = await handler.request('POST', '/api/sessions', { phone: '07911 123456', ...body });
  expect(res.status, await res.clone().text()).toBe(201);
  const b = (await res.json()) as { session: { id: string }; link: string };
  return { id: b.session.id, token: b.link.split('/j/')[1]!.split('?')[0]! };
}

/** The phone opens the link and agrees, as the caller page does. */
async function consent(token: string): Promise<TestSocket> {
  const cookie = cookieFrom(await openLink(s, token), 'sl_caller');
  const sock = await TestSocket.open(`${s.wsUrl}/ws/caller`, cookie);
  await sock.next((m) => m.type === 'chat.history');
  sock.send({ type: 'consent', decision: 'accepted' });
  await sock.next((m) => m.type === 'consent.recorded');
  return sock;
}

async function record(o: OfficerClient, sessionId: string, body: unknown) {
  return o.request('POST', `/api/sessions/${sessionId}/outcomes`, body);
}

const timeline = async (id: string) =>
  ((await (await handler.request('GET', `/api/sessions/${id}`)).json()) as SessionDetail).timeline;

beforeAll(async () => {
  // The background sweep is slowed right down: this test drives the sweep itself on its clock.
  s = await startServer({ clock, env: { SIGHTLINE_FIX_WATCH_SECONDS: '300' } });
  handler = await signIn(s, ['call-handler']);
  supervisor = await signIn(s, ['supervisor']);
  dpo = await signIn(s, ['dpo']);
});
afterAll(async () => s?.close());

describe('pilot outcomes', () => {
  it('records a triage outcome, refuses it to a role without the permission, and keeps the original when corrected', async () => {
    ids.triage = (await send({ reference: 'TDIU 1/30NOV' })).id;
    const first = { kind: 'triage', decision: 'refer-tdiu', reason: 'Repeat fraud report, needs screening' };
    expect((await record(dpo, ids.triage, { record: first })).status).toBe(403);
    const bad = await record(handler, ids.triage, { record: { ...first, reason: '' } });
    expect(bad.status).toBe(400);

    const res = await record(handler, ids.triage, {
      record: { ...first, followUp: { action: 'TDIU to call the victim back', due: '2026-12-07' } },
    });
    expect(res.status).toBe(201);
    const original = (await res.json()) as Outcome;
    expect(original.recordedBy.name).toBeTruthy();

    const fix = await record(handler, ids.triage, {
      record: { ...first, decision: 'crime-recorded', reason: 'Screened: crime recorded, CRN 42' },
      supersedes: original.id,
      correctionReason: 'TDIU screening complete',
    });
    expect(fix.status).toBe(201);
    // The original may be corrected once; a second correction must correct the newer record.
    const again = await record(handler, ids.triage, {
      record: first,
      supersedes: original.id,
      correctionReason: 'second try',
    });
    expect(again.status).toBe(409);

    const list = (await (
      await dpo.request('GET', `/api/sessions/${ids.triage}/outcomes`)
    ).json()) as OutcomeList;
    expect(list.outcomes.map((o) => [o.record.kind, o.supersededBy !== null])).toEqual([
      ['triage', true],
      ['triage', false],
    ]);
    expect(list.outcomes[0]!.record).toMatchObject({ decision: 'refer-tdiu' });
    const types = (await timeline(ids.triage)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['outcome.recorded', 'outcome.corrected']));
  });

  it('one idempotency key records one outcome and answers a retry with it; a new key records another', async () => {
    const { id } = await send({ reference: 'TDIU 2/30NOV' });
    const body = { record: { kind: 'triage', decision: 'advice-given', reason: 'Advice on door locks' } };
    const press = (key: string) =>
      handler.request('POST', `/api/sessions/${id}/outcomes`, body, { 'idempotency-key': key });
    const first = await press('outcome-press-0001');
    expect(first.status).toBe(201);
    const retry = await press('outcome-press-0001');
    expect(retry.status).toBe(201);
    const a = (await first.json()) as Outcome;
    expect(await retry.json()).toEqual(a);
    expect((await press('bad key')).status).toBe(400);
    const other = await press('outcome-press-0002');
    expect(other.status).toBe(201);
    const b = (await other.json()) as Outcome;
    expect(b.id).not.toBe(a.id);

    const list = (await (await handler.request('GET', `/api/sessions/${id}/outcomes`)).json()) as OutcomeList;
    expect(list.outcomes.map((o) => o.id)).toEqual([a.id, b.id]);
    // The retry left no second trace either: one audit entry and one timeline event per outcome.
    const trail = (await (
      await supervisor.request('GET', `/api/audit?limit=500&subjectId=${id}&action=outcome.record`)
    ).json()) as { entries: unknown[] };
    expect(trail.entries).toHaveLength(2);
    expect((await timeline(id)).filter((e) => e.type === 'outcome.recorded')).toHaveLength(2);

    // The record is written, then the audit append fails: the officer's retry with the same key
    // returns the record and writes its missing trace, so no record is left unaudited.
    const audit = s.c.audit;
    const append = audit.record;
    audit.record = async () => {
      throw new Error('database is busy');
    };
    const lost = await press('outcome-press-0003');
    audit.record = append;
    expect(lost.status).toBe(500);
    const retried = await press('outcome-press-0003');
    expect(retried.status).toBe(201);
    const c = (await retried.json()) as Outcome;
    const after = (await (
      await supervisor.request('GET', `/api/audit?limit=500&subjectId=${id}&action=outcome.record`)
    ).json()) as { entries: Array<{ detail: { outcomeId: string } }> };
    expect(after.entries.filter((e) => e.detail.outcomeId === c.id)).toHaveLength(1);
    expect((await timeline(id)).filter((e) => e.type === 'outcome.recorded')).toHaveLength(3);
    // A third press with that key finds the trace there and adds nothing.
    expect((await press('outcome-press-0003')).status).toBe(201);
    const again = (await (
      await supervisor.request('GET', `/api/audit?limit=500&subjectId=${id}&action=outcome.record`)
    ).json()) as { entries: unknown[] };
    expect(again.entries).toHaveLength(3);
  });

  it('records a bail check on a two-way link with the subject from the invite and the location of the latest fix', async () => {
    const check = {
      subject: 'John Smith',
      condition: 'curfew',
      conditionDetail: '12 High Street, 19:00–07:00',
    };
    // Check details only go with a two-way link.
    const wrong = await handler.request('POST', '/api/sessions', {
      phone: '07911 123456',
      mode: 'video',
      workflow: { kind: 'bail-check', check },
    });
    expect(wrong.status).toBe(400);
    const { id, token } = await send({ mode: 'two-way', workflow: { kind: 'bail-check', check } });
    ids.bail = id;
    const sock = await consent(token);
    const t0 = clock.now();
    await s.c.location.add(id, fixAt(51.5001, t0 - 2_000));
    await s.c.location.add(id, fixAt(51.5007, t0 - 1_000));
    const list = (await (await handler.request('GET', `/api/sessions/${id}/outcomes`)).json()) as OutcomeList;
    expect(list.workflow).toMatchObject({ kind: 'bail-check', check });

    const body = {
      kind: 'bail-check',
      ...check,
      result: 'complied',
      identity: { confirmed: true, method: 'face-against-custody-image' },
    };
    // A position typed by the officer is refused: the server takes it from the latest fix.
    const typed = await record(handler, id, {
      record: { ...body, location: { lat: 1, lon: 1, accuracy: 1 } },
    });
    expect(typed.status).toBe(400);
    const unconfirmed = await record(handler, id, {
      record: { ...body, identity: { confirmed: false, method: 'other' } },
    });
    expect(unconfirmed.status).toBe(400);

    clock.t = t0 + 30_000;
    const res = await record(handler, id, { record: body });
    expect(res.status).toBe(201);
    const out = (await res.json()) as Outcome;
    if (out.record.kind !== 'bail-check') throw new Error('not a bail check');
    expect(out.record.location).toMatchObject({ lat: 51.5007, accuracy: 7 });
    // The latest fix the server stored, aged on the server's clock when the result was recorded.
    const latest = (await s.c.location.track(id)).at(-1)!;
    expect(out.record.location).toMatchObject({ receivedAt: latest.receivedAt, fixTime: latest.fixTime });
    expect(out.record.location!.ageMs).toBe(out.recordedAt - latest.receivedAt);
    expect(out.record.location!.ageMs).toBeGreaterThan(25_000);
    expect(out.record.identity.method).toBe('face-against-custody-image');
    // The audit trail names the record, never its content: it outlives the record's disposal.
    const entry = (await (
      await supervisor.request('GET', `/api/audit?limit=50&subjectId=${id}&action=outcome.record`)
    ).json()) as { entries: Array<{ detail: unknown }> };
    expect(entry.entries).toHaveLength(1);
    expect(entry.entries[0]!.detail).toEqual({ outcomeId: out.id, kind: 'bail-check', supersedes: null });
    // A bail check belongs to a two-way session.
    expect((await record(handler, ids.triage, { record: body })).status).toBe(400);
    sock.close();
    clock.t = Date.now();
  });

  it('raises the missing-person alert when fixes stop for longer than the set time, and clears it when they resume', async () => {
    const { id, token } = await send({
      mode: 'location',
      locationMinutes: 12 * 60,
      workflow: { kind: 'missing-person', fixAlertMinutes: 5 },
    });
    ids.search = id;
    const sock = await consent(token);
    const t0 = clock.now();
    await s.c.location.add(id, fixAt(51.51, t0));

    clock.t = t0 + 4 * MIN;
    expect(await s.c.fixWatch.sweep()).toBe(0);
    clock.t = t0 + 6 * MIN;
    expect(await s.c.fixWatch.sweep()).toBe(1);
    expect(await s.c.fixWatch.sweep()).toBe(0); // raised once, not on every sweep
    const stale = (await timeline(id)).filter((e) => e.type === 'location.stale');
    expect(stale).toHaveLength(1);
    expect(stale[0]!.detail).toMatch(/no position for over 5 min/);
    const raised = (await (
      await handler.request('GET', `/api/sessions/${id}/outcomes`)
    ).json()) as OutcomeList;
    expect(raised.workflow).toMatchObject({
      kind: 'missing-person',
      fixAlertMinutes: 5,
    });
    // Raised at the sweep's time on the injected clock (which runs on from t0 + 6 min).
    expect(raised.workflow?.alertSince).toBeGreaterThanOrEqual(t0 + 6 * MIN);
    expect(raised.workflow?.alertSince).toBeLessThanOrEqual(clock.now());

    // The phone is heard from again: the alert clears (at once on the fix, else on the next sweep).
    await s.c.location.add(id, fixAt(51.512, clock.now()));
    await s.c.fixWatch.sweep();
    await eventually(async () => (await timeline(id)).some((e) => e.type === 'location.resumed'));
    const cleared = (await (
      await handler.request('GET', `/api/sessions/${id}/outcomes`)
    ).json()) as OutcomeList;
    expect(cleared.workflow?.alertSince).toBeNull();

    const res = await record(handler, id, {
      record: { kind: 'missing-person', status: 'located-safe', reason: 'Found at a friend’s address' },
    });
    expect(res.status).toBe(201);
    sock.close();
    clock.t = Date.now();
  });

  it('audits every outcome and the alert, and exports them in a signed package that verifies', async () => {
    const trail: Record<string, string[]> = {};
    for (const id of Object.values(ids)) {
      const a = (await (await supervisor.request('GET', `/api/audit?limit=500&subjectId=${id}`)).json()) as {
        entries: Array<{ action: string }>;
      };
      trail[id] = a.entries.map((e) => e.action);
    }
    const actions = (id: string) => trail[id]!;
    expect(actions(ids.triage)).toEqual(
      expect.arrayContaining(['outcome.record', 'outcome.correct', 'outcomes.read']),
    );
    expect(actions(ids.bail)).toContain('outcome.record');
    expect(actions(ids.search)).toEqual(
      expect.arrayContaining(['location.stale', 'location.resumed', 'outcome.record']),
    );

    const job = (await (
      await supervisor.request('POST', '/api/exports', {
        sessionIds: [ids.triage, ids.bail, ids.search],
        reason: 'Pilot review',
      })
    ).json()) as { id: string };
    await eventually(async () => {
      const j = (await (await supervisor.request('GET', `/api/exports/${job.id}`)).json()) as {
        state: string;
        error: string | null;
      };
      if (j.state === 'failed') throw new Error(j.error ?? 'export failed');
      return j.state === 'done';
    }, 60_000);
    const zip = join(mkdtempSync(join(tmpdir(), 'outcomes-export-')), 'package.zip');
    writeFileSync(
      zip,
      Buffer.from(await (await supervisor.request('GET', `/api/exports/${job.id}/download`)).arrayBuffer()),
    );
    const verdict = await verifyPackage(zip, s.c.signer.publicKeyPem);
    expect(verdict.problems).toEqual([]);

    const files = await readZip(zip);
    const manifest = JSON.parse(
      files.get([...files.keys()].find((n) => n.endsWith('/manifest.json'))!)!.toString(),
    ) as ManifestBody;
    const entries = manifest.files.filter((f) => f.kind === 'outcomes');
    expect(entries.map((f) => f.sessionId).sort()).toEqual([ids.triage, ids.bail, ids.search].sort());
    const read = (sessionId: string) => {
      const path = entries.find((f) => f.sessionId === sessionId)!.path;
      const name = [...files.keys()].find((n) => n.endsWith(`/${path}`))!;
      return JSON.parse(files.get(name)!.toString()) as Array<Record<string, unknown>>;
    };
    const triage = read(ids.triage);
    expect(triage).toHaveLength(2);
    expect(triage[0]).toMatchObject({ record: { decision: 'refer-tdiu' }, supersededBy: triage[1]!.id });
    expect(triage[1]).toMatchObject({ correctionReason: 'TDIU screening complete' });
    expect(read(ids.bail)[0]).toMatchObject({
      record: { result: 'complied', subject: 'John Smith', location: { lat: 51.5007 } },
    });
    expect(read(ids.search)[0]).toMatchObject({ record: { status: 'located-safe' } });
    const report = files.get([...files.keys()].find((n) => n.endsWith('/report.html'))!)!.toString();
    expect(report).toContain('Seen face against custody image');
    const timelineName = [...files.keys()].find(
      (n) => n.includes(ids.search.slice(0, 8)) && n.endsWith('/events/timeline.json'),
    )!;
    const exported = JSON.parse(files.get(timelineName)!.toString()) as Array<{ type: string }>;
    expect(exported.map((e) => e.type)).toEqual(
      expect.arrayContaining(['location.stale', 'location.resumed', 'outcome.recorded']),
    );
  });
});
