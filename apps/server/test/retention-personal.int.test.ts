import type { LibrarySession } from '@sightline/protocol';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  expectJson,
  invite,
  type OfficerClient,
  signIn,
  startServer,
  TestClock,
  type TestServer,
} from './harness.js';
import { type InterpreterPerson, seedInterpreter } from './interpreter-fixture.js';

// What MoPI disposal removes from the session itself, its notes, timeline and texts, beyond its
// media (issue 12): nothing in any table still holds the caller's number, the subject's date of
// birth, the browser's user-agent or an officer's note; a subject access request by the number
// still finds that the session existed. Runs on SQLite and PostgreSQL (SIGHTLINE_TEST_DB).

const DAY = 86_400_000;
const clock = new TestClock();
let s: TestServer;
let handler: OfficerClient;
let supervisor: OfficerClient;

interface Caller {
  national: string;
  e164: string;
  userAgent: string;
  dob: string;
  note: string;
  bookmark: string;
  /** An officer's private note on a distressing moment, and the caller's upload's file name. */
  distressNote: string;
  fileName: string;
  /** The interpreter who joined the call: a third party's name, organisation and booking. */
  interpreter: InterpreterPerson;
}
const disposedCaller: Caller = {
  national: '07700 900123',
  e164: '+447700900123',
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) DisposedHandset/1.0 Safari/604.1',
  dob: '1984-03-09',
  note: 'Caller named Alice Example of 4 Mill Lane',
  bookmark: 'Alice Example shows the knife',
  distressNote: 'Alice Example bleeding on the stairs',
  fileName: 'IMG_Alice_Example_front_door.jpg',
  interpreter: { name: 'Dana Signer', organisation: 'Signs North Ltd', bookingRef: 'SN-48213' },
};
const heldCaller: Caller = {
  national: '07700 900456',
  e164: '+447700900456',
  userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) HeldHandset/2.0 Chrome/126.0 Mobile Safari/537.36',
  dob: '1979-11-21',
  note: 'Caller named Bob Example of 9 Quay Street',
  bookmark: 'Bob Example at the door',
  distressNote: 'Bob Example crying in the hallway',
  fileName: 'VID_Bob_Example_hallway.mp4',
  interpreter: { name: 'Eryk Tlumacz', organisation: 'Lingo Wales', bookingRef: 'LW-77120' },
};
const heldMeanwhileCaller: Caller = {
  national: '07700 900789',
  e164: '+447700900789',
  userAgent:
    'Mozilla/5.0 (Linux; Android 13; SM-A536B) MeanwhileHandset/3.0 Chrome/125.0 Mobile Safari/537.36',
  dob: '1990-07-14',
  note: 'Caller named Carol Example of 2 Dock Road',
  bookmark: 'Carol Example at the window',
  distressNote: 'Carol Example injured',
  fileName: 'IMG_Carol_Example.jpg',
  interpreter: { name: 'Fern Hands', organisation: 'Deaf Access Co', bookingRef: 'DA-30311' },
};
const personal = (c: Caller) => [
  c.e164,
  c.userAgent,
  c.dob,
  c.note,
  c.bookmark,
  c.distressNote,
  c.fileName,
  c.interpreter.name,
  c.interpreter.organisation,
  c.interpreter.bookingRef,
];
let disposed: string;
let held: string;

/** A session a caller opened on their phone, with a note, a bookmark and a date of birth. */
async function sessionFor(c: Caller, policyId: string): Promise<string> {
  const { sessionId, token } = await invite(s, handler, c.national);
  const open = await fetch(`${s.url}/api/join/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': c.userAgent },
    body: JSON.stringify({ token }),
  });
  expect(open.status, await open.clone().text()).toBe(200);
  for (const [kind, text] of [
    ['note', c.note],
    ['bookmark', c.bookmark],
  ] as const)
    await expectJson(handler.request('POST', `/api/sessions/${sessionId}/notes`, { kind, text }), 201);
  await s.c.sessions.addEvent(sessionId, 'upload.started', 'caller', `${c.fileName} (1234 bytes)`);
  await s.c.db
    .insertInto('distress_marks')
    .values({
      officer_id: 'officer-1',
      id: `mark-${sessionId}`,
      session_id: sessionId,
      kind: 'moment',
      item_id: null,
      media_time: null,
      note: c.distressNote,
      at: clock.now(),
    })
    .execute();
  await withInterpreter(sessionId, c.interpreter);
  await s.c.sessions.end(sessionId, 'call over', { type: 'system' });
  await expectJson(
    supervisor.request('POST', `/api/sessions/${sessionId}/classification`, {
      policyId,
      reason: 'classified for the test',
      subjectDateOfBirth: c.dob,
    }),
  );
  return sessionId;
}

/** An interpreter who was invited, joined and left, as the interpreter service records them. */
async function withInterpreter(sessionId: string, i: InterpreterPerson): Promise<void> {
  await seedInterpreter(s, sessionId, i, clock.now());
  await s.c.sessions.addEvent(sessionId, 'interpreter.left', i.name, 'the interpreter left');
}

/** Every row of every table, as text: where a value could hide that no one thought to check. */
async function everyTable(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const t of await s.c.db.introspection.getTables()) {
    if (t.name.startsWith('kysely_')) continue;
    const rows = await sql`SELECT * FROM ${sql.table(t.name)}`.execute(s.c.db);
    out.set(t.name, JSON.stringify(rows.rows));
  }
  return out;
}
const tablesHolding = (all: Map<string, string>, value: string) =>
  [...all].filter(([, text]) => text.includes(value)).map(([name]) => name);

beforeAll(async () => {
  s = await startServer({ clock });
  handler = await signIn(s, ['call-handler']);
  supervisor = await signIn(s, ['supervisor']);
  disposed = await sessionFor(disposedCaller, 'nfpa');
  held = await sessionFor(heldCaller, 'nfpa');
  await expectJson(
    supervisor.request('POST', `/api/sessions/${held}/hold`, { hold: true, reason: 'complaint received' }),
  );
  // Everything is there before disposal: the checks below would find it if it stayed.
  const before = await everyTable();
  for (const v of [...personal(disposedCaller), ...personal(heldCaller)])
    expect(tablesHolding(before, v), v).not.toEqual([]);
  clock.t += 32 * DAY;
  supervisor = await signIn(s, ['supervisor']);
  const report = await s.c.disposal.run({ dryRun: false, actor: { type: 'system' } });
  expect(report.candidates.map((c) => c.sessionId)).toEqual([disposed]);
});
afterAll(async () => s?.close());

describe('personal data after MoPI disposal', () => {
  it('no table holds the disposed caller’s number, date of birth, user-agent, note or bookmark', async () => {
    const after = await everyTable();
    for (const v of personal(disposedCaller)) expect(tablesHolding(after, v), v).toEqual([]);
    const row = await s.c.sessions.get(disposed);
    expect(row.phone_e164).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(row.subject_dob).toBeNull();
    expect(row.caller_user_agent).toBeNull();
    // The masked number the console lists stays: it cannot be dialled or searched.
    expect(row.phone_masked).not.toContain('900123');
  });

  it('the timeline keeps that the link was opened and notes were added, not what they said', async () => {
    const { timeline } = await s.c.sessions.detail(disposed);
    const of = (type: string) => timeline.filter((e) => e.type === type).map((e) => e.detail);
    expect(of('link.opened')).toEqual([null]);
    expect(of('note.added')).toEqual([null]);
    expect(of('bookmark.added')).toEqual([null]);
    const notes = await expectJson<{ notes: unknown[] }>(
      supervisor.request('GET', `/api/sessions/${disposed}/notes`),
    );
    expect(notes.notes).toEqual([]);
  });

  it('an interpreter who took part is still on record, by kind, without who they were', async () => {
    const rows = await s.c.db
      .selectFrom('interpreters')
      .selectAll()
      .where('session_id', '=', disposed)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'bsl',
      state: 'left',
      name: '',
      organisation: '',
      booking_ref: '',
    });
    const { timeline } = await s.c.sessions.detail(disposed);
    // Sorted: the test joins and leaves within one millisecond, and events with the same time
    // are listed by id (random), so their order here says nothing.
    expect(
      timeline
        .filter((e) => e.type.startsWith('interpreter.'))
        .map((e) => [e.type, e.actor, e.detail])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ['interpreter.invited', 'PC Handler', null],
      ['interpreter.joined', 'interpreter', null],
      ['interpreter.left', 'interpreter', null],
    ]);
  });

  it('the texts keep their status, not the number or the words', async () => {
    const texts = await s.c.db
      .selectFrom('sms_outbox')
      .selectAll()
      .where('session_id', '=', disposed)
      .execute();
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) {
      expect(t.to_e164).toBe((await s.c.sessions.get(disposed)).phone_e164);
      expect(t.body).toBe('');
      expect(t.status).not.toBe('');
    }
  });

  it('the disposal audit record counts what was removed', async () => {
    const audit = await expectJson<{ entries: Array<{ detail: Record<string, unknown> }> }>(
      supervisor.request('GET', `/api/audit?subjectId=${disposed}&action=retention.dispose`),
    );
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]!.detail).toMatchObject({
      notesDeleted: 2,
      noteAndOpenEventsCleared: 4,
      distressNotesCleared: 1,
      interpretersMasked: 1,
      interpreterEventsCleared: 3,
    });
    expect(audit.entries[0]!.detail['textsMasked']).toBeGreaterThan(0);
  });

  it('a subject access request by the number still finds the disposed session, and says it was disposed of', async () => {
    const dpo = await signIn(s, ['dpo']);
    for (const phone of [disposedCaller.national, disposedCaller.e164]) {
      const { sessions } = await expectJson<{ sessions: LibrarySession[] }>(
        dpo.request('GET', `/api/sar/sessions?phone=${encodeURIComponent(phone)}`),
      );
      expect(sessions.map((x) => x.id)).toEqual([disposed]);
      expect(sessions[0]!.disposedAt).not.toBeNull();
    }
    // Another number finds nothing of it.
    const other = await expectJson<{ sessions: LibrarySession[] }>(
      dpo.request('GET', `/api/sar/sessions?phone=${encodeURIComponent('07700 900999')}`),
    );
    expect(other.sessions).toEqual([]);
  });

  it('a session on legal hold keeps everything', async () => {
    const after = await everyTable();
    for (const v of personal(heldCaller)) expect(tablesHolding(after, v), v).not.toEqual([]);
    const row = await s.c.sessions.get(held);
    expect(row.phone_e164).toBe(heldCaller.e164);
    expect(row.subject_dob).toBe(heldCaller.dob);
    expect(row.caller_user_agent).toBe(heldCaller.userAgent);
    const notes = await expectJson<{ notes: Array<{ text: string }> }>(
      supervisor.request('GET', `/api/sessions/${held}/notes`),
    );
    expect(notes.notes.map((n) => n.text).sort()).toEqual([heldCaller.bookmark, heldCaller.note].sort());
    const dpo = await signIn(s, ['dpo']);
    const { sessions } = await expectJson<{ sessions: LibrarySession[] }>(
      dpo.request('GET', `/api/sar/sessions?phone=${encodeURIComponent(heldCaller.national)}`),
    );
    expect(sessions.map((x) => x.id)).toEqual([held]);
  });

  it('a legal hold placed after the run selected the session wins: nothing of it is disposed of', async () => {
    // The clock moved past the sign-ins of beforeAll.
    handler = await signIn(s, ['call-handler']);
    supervisor = await signIn(s, ['supervisor']);
    const meanwhile = await sessionFor(heldMeanwhileCaller, 'nfpa');
    clock.t += 32 * DAY;
    supervisor = await signIn(s, ['supervisor']);
    // The hold lands between the run's selection and its first deletion.
    const scan = s.c.disposal.scan.bind(s.c.disposal);
    const spy = vi.spyOn(s.c.disposal, 'scan').mockImplementation(async () => {
      const selected = await scan();
      expect(selected.candidates.map((c) => c.sessionId)).toEqual([meanwhile]);
      await expectJson(
        supervisor.request('POST', `/api/sessions/${meanwhile}/hold`, {
          hold: true,
          reason: 'IOPC referral',
        }),
      );
      return selected;
    });
    try {
      const report = await s.c.disposal.run({ dryRun: false, actor: { type: 'system' } });
      expect(report.candidates).toEqual([]);
      expect(report.refused.map((r) => r.sessionId)).toEqual([meanwhile]);
      expect(report.refused[0]!.why).toMatch(/legal hold was placed/);
    } finally {
      spy.mockRestore();
    }
    const row = await s.c.sessions.get(meanwhile);
    expect(row.disposed_at).toBeNull();
    expect(row.phone_e164).toBe(heldMeanwhileCaller.e164);
    const after = await everyTable();
    for (const v of personal(heldMeanwhileCaller)) expect(tablesHolding(after, v), v).not.toEqual([]);
  });
});
