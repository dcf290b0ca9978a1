import type { Outcome, OutcomeList, TimelineEvent } from '@sightline/protocol';
import { RecordOutcomeRequest } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import {
  draftRequest,
  EMPTY_DRAFT,
  fixAlert,
  isDay,
  kindsFor,
  type OutcomeDraft,
  outcomeRows,
} from './outcome-model.js';
import { OutcomesStore } from './outcomes-store.js';

const O1 = '11111111-1111-4111-8111-111111111111';
const O2 = '22222222-2222-4222-8222-222222222222';
/** The draft as the wire would carry it, unchecked. */
function raw(d: OutcomeDraft): unknown {
  if (d.kind === 'triage')
    return {
      kind: d.kind,
      decision: d.decision,
      reason: d.reason,
      followUp: d.followUpAction || d.followUpDue ? { action: d.followUpAction, due: d.followUpDue } : null,
    };
  if (d.kind === 'bail-check')
    return {
      kind: d.kind,
      subject: d.subject,
      condition: d.condition,
      conditionDetail: d.conditionDetail,
      result: d.result,
      identity: { confirmed: d.identityConfirmed, method: d.identityMethod, detail: d.identityDetail },
      notes: d.notes,
    };
  return { kind: d.kind, status: d.status, reason: d.reason };
}
const ev = (id: string, type: string, at = 1): TimelineEvent => ({ id, at, type, actor: null, detail: 'd' });
const triage = (id: string, patch: Partial<Outcome> = {}): Outcome => ({
  id,
  sessionId: 's1',
  record: { kind: 'triage', decision: 'advice-given', reason: 'Advice on door locks', followUp: null },
  supersedes: null,
  correctionReason: null,
  supersededBy: null,
  recordedBy: { id: 'o1', name: 'PC Jones' },
  recordedAt: 1_000,
  ...patch,
});

describe('outcome form rules', () => {
  it('names each missing choice and the reason in plain words, without asking the server', () => {
    const r = draftRequest({ ...EMPTY_DRAFT, kind: 'triage' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.decision).toBe('Choose the outcome.');
    expect(r.errors.reason).toBe('Reason: at least 3 characters.');
  });

  it('a bail check needs the explicit identity confirmation', () => {
    const d = {
      ...EMPTY_DRAFT,
      kind: 'bail-check' as const,
      subject: 'John Smith',
      condition: 'curfew',
      conditionDetail: '12 High St',
      result: 'complied',
      identityMethod: 'face-against-custody-image',
    };
    const r = draftRequest(d);
    expect(r.ok ? null : r.errors.identityConfirmed).toBe('Confirm that you identified the subject.');
    expect(draftRequest({ ...d, identityConfirmed: true }).ok).toBe(true);
  });

  it('a correction carries the record it supersedes and needs a reason', () => {
    const d = {
      ...EMPTY_DRAFT,
      decision: 'crime-recorded',
      reason: 'Screened',
      correcting: '6f1c1a3e-1d2b-4c3d-8e4f-5a6b7c8d9e0f',
    };
    const r = draftRequest(d);
    expect(r.ok ? null : r.errors.correctionReason).toBe('Why it is corrected: at least 3 characters.');
    const ok = draftRequest({ ...d, correctionReason: 'Wrong decision chosen' });
    expect(ok.ok && ok.body.supersedes).toBe(d.correcting);
  });

  it('agrees with the protocol schema the server validates with, field by field', () => {
    const bail: OutcomeDraft = {
      ...EMPTY_DRAFT,
      kind: 'bail-check',
      subject: 'John Smith',
      condition: 'exclusion-zone',
      conditionDetail: 'Town centre',
      result: 'breach',
      identityConfirmed: true,
      identityMethod: 'known-to-officer',
    };
    const triage: OutcomeDraft = { ...EMPTY_DRAFT, decision: 'deploy', reason: 'Ongoing risk' };
    const search: OutcomeDraft = {
      ...EMPTY_DRAFT,
      kind: 'missing-person',
      status: 'not-located',
      reason: 'Still out',
    };
    const cases: OutcomeDraft[] = [
      bail,
      { ...bail, subject: 'J' },
      { ...bail, conditionDetail: 'x'.repeat(301) },
      { ...bail, identityDetail: 'x'.repeat(201) },
      { ...bail, notes: 'x'.repeat(2001) },
      { ...bail, result: 'maybe' },
      triage,
      { ...triage, reason: ' ab ' },
      { ...triage, followUpAction: 'Call back', followUpDue: '2026-12-01' },
      { ...triage, followUpAction: 'Call back', followUpDue: '2026-13-01' },
      { ...triage, followUpAction: '', followUpDue: '2026-12-01' },
      { ...triage, correcting: O1, correctionReason: 'ok' },
      { ...triage, correcting: O1, correctionReason: 'Wrong one' },
      search,
      { ...search, status: '' },
      { ...search, reason: 'x'.repeat(2001) },
    ];
    for (const d of cases) {
      const mine = draftRequest(d);
      if (mine.ok) expect(RecordOutcomeRequest.parse(mine.body)).toEqual(mine.body);
      else {
        const wire = {
          record: raw(d),
          ...(d.correcting ? { supersedes: d.correcting, correctionReason: d.correctionReason } : {}),
        };
        expect(RecordOutcomeRequest.safeParse(wire).success, JSON.stringify(d)).toBe(false);
      }
    }
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2028-02-29')).toBe(true);
  });

  it('offers the workflows a session mode allows', () => {
    expect(kindsFor('two-way')).toEqual(['bail-check', 'triage']);
    expect(kindsFor('location')).toEqual(['missing-person', 'triage']);
    expect(kindsFor('video')).toEqual(['triage']);
  });

  it('shows a bail check’s server-taken location with its accuracy and age', () => {
    const rows = outcomeRows(
      {
        kind: 'bail-check',
        subject: 'John Smith',
        condition: 'curfew',
        conditionDetail: '12 High St',
        result: 'breach',
        identity: { confirmed: true, method: 'identity-document', detail: '' },
        notes: '',
        location: { lat: 51.5, lon: -0.12, accuracy: 8.4, fixTime: 1, receivedAt: 1, ageMs: 42_000 },
      },
      0,
    );
    expect(rows).toContainEqual(['Location at the result', '51.50000, -0.12000 ±8 m (fix 42 s old)']);
    expect(rows).toContainEqual(['Result', 'Breach']);
  });
});

describe('the no-fix alert as the timeline shows it', () => {
  it('is raised by location.stale and cleared by the next location.resumed', () => {
    expect(fixAlert([ev('a', 'location.sharing')])).toBeNull();
    expect(fixAlert([ev('a', 'location.stale')])?.id).toBe('a');
    expect(fixAlert([ev('a', 'location.stale'), ev('b', 'location.resumed')])).toBeNull();
    expect(
      fixAlert([ev('a', 'location.stale'), ev('b', 'location.resumed'), ev('c', 'location.stale')])?.id,
    ).toBe('c');
  });
});

describe('OutcomesStore', () => {
  it('records an outcome, then a correction that marks the original superseded but keeps it', async () => {
    const list: OutcomeList = { workflow: null, outcomes: [] };
    const recordOutcome = vi.fn(async (_s: string, body: { supersedes?: string }) =>
      body.supersedes ? triage(O2, { supersedes: body.supersedes, correctionReason: 'x' }) : triage(O1),
    );
    const st = new OutcomesStore({ outcomes: async () => list, recordOutcome }, 's1', 'triage');
    await st.load();
    st.setDraft({ decision: 'advice-given', reason: 'Advice on door locks' });
    expect(await st.submit()).toBe(true);
    expect(st.get().saved).toBe('Outcome recorded.');
    st.correct(st.get().outcomes[0]!);
    expect(st.get().draft).toMatchObject({ correcting: O1, decision: 'advice-given' });
    st.setDraft({ correctionReason: 'Wrong decision' });
    expect(await st.submit()).toBe(true);
    expect(st.get().outcomes.map((o) => [o.id, o.supersededBy])).toEqual([
      [O1, O2],
      [O2, null],
    ]);
  });

  it('starts a bail check from the details sent with the link, and reloads when the timeline says so', async () => {
    const outcomes = vi.fn(async () => ({
      workflow: {
        kind: 'bail-check' as const,
        check: { subject: 'John Smith', condition: 'curfew' as const, conditionDetail: '12 High St' },
        fixAlertMinutes: null,
        alertSince: null,
      },
      outcomes: [],
    }));
    const st = new OutcomesStore({ outcomes, recordOutcome: vi.fn() }, 's1', 'bail-check');
    await st.load();
    expect(st.get().draft).toMatchObject({ subject: 'John Smith', condition: 'curfew' });
    st.onTimeline([ev('a', 'chat.message'), ev('b', 'outcome.recorded')]);
    st.onTimeline([ev('a', 'chat.message'), ev('b', 'outcome.recorded')]); // seen: no second load
    await vi.waitFor(() => expect(outcomes).toHaveBeenCalledTimes(2));
  });

  it('a submission whose answer was lost is retried with the same key; a new submission gets a new key', async () => {
    let n = 0;
    const recordOutcome = vi.fn(async (_s: string, _b: unknown, _key: string): Promise<Outcome> => {
      n++;
      if (n === 1) throw new ApiRequestError(0, 'network', 'Could not reach the server.');
      if (n === 3) throw new ApiRequestError(400, 'bad_request', 'No.');
      return triage(O1);
    });
    const keys = ['key-a', 'key-b', 'key-c', 'key-d'];
    const st = new OutcomesStore(
      { outcomes: async () => ({ workflow: null, outcomes: [] }), recordOutcome },
      's1',
      'triage',
      () => keys.shift()!,
    );
    st.setDraft({ decision: 'advice-given', reason: 'Advice on door locks' });
    expect(await st.submit()).toBe(false);
    expect(st.get().errors.form).toBe('Could not reach the server.');
    expect(await st.submit()).toBe(true); // the retry: the server may have recorded the first
    st.setDraft({ decision: 'advice-given', reason: 'Second call, same address' });
    expect(await st.submit()).toBe(false); // refused outright: nothing was recorded
    expect(await st.submit()).toBe(true);
    expect(recordOutcome.mock.calls.map((c) => c[2])).toEqual(['key-a', 'key-a', 'key-b', 'key-c']);
  });

  it('a replayed answer for a record a reload already listed shows it once', async () => {
    let listed: Outcome[] = [];
    const recordOutcome = vi.fn(async (): Promise<Outcome> => {
      if (recordOutcome.mock.calls.length === 1) {
        listed = [triage(O1)]; // recorded, but the answer is lost
        throw new ApiRequestError(0, 'network', 'Could not reach the server.');
      }
      return triage(O1); // the retry with the same key: the server answers with the same record
    });
    const st = new OutcomesStore(
      { outcomes: async () => ({ workflow: null, outcomes: listed }), recordOutcome },
      's1',
      'triage',
    );
    st.setDraft({ decision: 'advice-given', reason: 'Advice on door locks' });
    expect(await st.submit()).toBe(false);
    await st.load(); // the timeline's outcome.recorded reloads the list
    expect(await st.submit()).toBe(true);
    expect(st.get().outcomes.map((o) => o.id)).toEqual([triage(O1).id]);
  });

  it('an edit after a lost answer makes a new submission with a new key', async () => {
    const recordOutcome = vi.fn(async (_s: string, _b: unknown, _key: string): Promise<Outcome> => {
      throw new ApiRequestError(503, 'bad_response', 'The server had a problem.');
    });
    let k = 0;
    const st = new OutcomesStore(
      { outcomes: async () => ({ workflow: null, outcomes: [] }), recordOutcome },
      's1',
      'triage',
      () => `key-${++k}`,
    );
    st.setDraft({ decision: 'advice-given', reason: 'Advice on door locks' });
    await st.submit();
    await st.submit();
    st.setDraft({ reason: 'Advice on window locks' });
    await st.submit();
    expect(recordOutcome.mock.calls.map((c) => c[2])).toEqual(['key-1', 'key-1', 'key-2']);
  });

  it('refuses an invalid draft without asking the server', async () => {
    const recordOutcome = vi.fn();
    const st = new OutcomesStore(
      { outcomes: async () => ({ workflow: null, outcomes: [] }), recordOutcome },
      's1',
      'missing-person',
    );
    expect(await st.submit()).toBe(false);
    expect(st.get().errors.status).toBe('Choose the search’s status.');
    expect(recordOutcome).not.toHaveBeenCalled();
  });
});
