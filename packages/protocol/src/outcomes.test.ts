import { describe, expect, it } from 'vitest';
import { CreateInviteRequest } from './api.js';
import { outcomeSummary, RecordOutcomeRequest } from './outcomes.js';

const triage = {
  kind: 'triage',
  decision: 'crime-recorded',
  reason: 'Caller describes a theft from a vehicle',
} as const;
const bail = {
  kind: 'bail-check',
  subject: 'John Smith',
  condition: 'curfew',
  conditionDetail: '12 High Street, 19:00 to 07:00',
  result: 'complied',
  identity: { confirmed: true, method: 'face-against-custody-image' },
} as const;

describe('outcome records', () => {
  it('accepts a triage outcome with a follow-up due on a real day, and trims the reason', () => {
    const r = RecordOutcomeRequest.parse({
      record: {
        ...triage,
        reason: '  Theft from a vehicle  ',
        followUp: { action: 'Call back', due: '2026-12-01' },
      },
    });
    expect(r.record).toMatchObject({ reason: 'Theft from a vehicle', followUp: { due: '2026-12-01' } });
  });

  it('refuses a decision outside the fixed list, a missing reason, an over-long reason and a day that does not exist', () => {
    expect(RecordOutcomeRequest.safeParse({ record: { ...triage, decision: 'arrest' } }).success).toBe(false);
    expect(RecordOutcomeRequest.safeParse({ record: { ...triage, reason: '  ' } }).success).toBe(false);
    expect(RecordOutcomeRequest.safeParse({ record: { ...triage, reason: 'x'.repeat(2001) } }).success).toBe(
      false,
    );
    expect(
      RecordOutcomeRequest.safeParse({
        record: { ...triage, followUp: { action: 'Call back', due: '2026-02-30' } },
      }).success,
    ).toBe(false);
  });

  it('needs the officer to confirm identity explicitly, with a method, on a bail check', () => {
    expect(RecordOutcomeRequest.safeParse({ record: bail }).success).toBe(true);
    expect(
      RecordOutcomeRequest.safeParse({ record: { ...bail, identity: { confirmed: false, method: 'other' } } })
        .success,
    ).toBe(false);
    expect(
      RecordOutcomeRequest.safeParse({ record: { ...bail, identity: { confirmed: true } } }).success,
    ).toBe(false);
  });

  it('never takes a location from the officer: a typed position is refused', () => {
    const typed = { ...bail, location: { lat: 51.5, lon: -0.1, accuracy: 5 } };
    expect(RecordOutcomeRequest.safeParse({ record: typed }).success).toBe(false);
  });

  it('a correction names the record it supersedes and says why; a reason alone is refused', () => {
    const id = '6f1c1a3e-1d2b-4c3d-8e4f-5a6b7c8d9e0f';
    expect(RecordOutcomeRequest.safeParse({ record: triage, supersedes: id }).success).toBe(false);
    expect(
      RecordOutcomeRequest.safeParse({ record: triage, supersedes: id, correctionReason: 'wrong decision' })
        .success,
    ).toBe(true);
    expect(
      RecordOutcomeRequest.safeParse({ record: triage, correctionReason: 'wrong decision' }).success,
    ).toBe(false);
  });

  it('summarises each record in one line for the timeline', () => {
    expect(outcomeSummary(RecordOutcomeRequest.parse({ record: bail }).record)).toBe(
      'Bail check (John Smith, curfew at an address): Complied',
    );
    expect(outcomeSummary(RecordOutcomeRequest.parse({ record: triage }).record)).toBe(
      'Triage: Crime recorded',
    );
  });
});

describe('invites with a workflow', () => {
  const base = { phone: '07911 123456' };
  it('takes check details only with a two-way link, and a missing-person search only with a location link', () => {
    const check = {
      kind: 'bail-check',
      check: { subject: 'John Smith', condition: 'curfew', conditionDetail: '12 High St' },
    };
    expect(CreateInviteRequest.safeParse({ ...base, mode: 'two-way', workflow: check }).success).toBe(true);
    expect(CreateInviteRequest.safeParse({ ...base, mode: 'video', workflow: check }).success).toBe(false);
    const search = { kind: 'missing-person' };
    const ok = CreateInviteRequest.parse({ ...base, mode: 'location', workflow: search });
    expect(ok.workflow).toEqual({ kind: 'missing-person', fixAlertMinutes: 5 });
    expect(CreateInviteRequest.safeParse({ ...base, mode: 'two-way', workflow: search }).success).toBe(false);
  });

  it('lets only a missing-person search run past 24 hours', () => {
    const long = { ...base, mode: 'location', locationMinutes: 36 * 60 };
    expect(CreateInviteRequest.safeParse(long).success).toBe(false);
    expect(CreateInviteRequest.safeParse({ ...long, workflow: { kind: 'missing-person' } }).success).toBe(
      true,
    );
    expect(
      CreateInviteRequest.safeParse({ ...base, mode: 'location', locationMinutes: 24 * 60 }).success,
    ).toBe(true);
  });
});
