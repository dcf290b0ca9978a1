import type { RetentionPolicy } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import { librarySession } from '../testing/fixtures.js';
import { buildClassify, describePolicy, describeRetention } from './retention-model.js';
import { disposalBytes, sortQueue } from './retention-page-store.js';
import { RetentionStore } from './retention-store.js';

const GROUP1: RetentionPolicy = {
  id: 'mopi-1',
  label: 'MoPI group 1',
  description: 'Serious offences',
  reviewEveryYears: 10,
  retainDays: null,
  retainUntilSubjectAge: 100,
};
const GROUP3: RetentionPolicy = {
  id: 'mopi-3',
  label: 'MoPI group 3',
  description: 'Other',
  reviewEveryYears: null,
  retainDays: 6 * 365,
  retainUntilSubjectAge: null,
};
const POLICIES = [GROUP1, GROUP3];
const NOW = new Date(2025, 10, 28).getTime();

describe('describeRetention', () => {
  it('says "Not classified" until a policy is set, then names it', () => {
    expect(describeRetention(librarySession('s', 1), POLICIES, NOW).status).toBe('Not classified');
    const v = describeRetention(librarySession('s', 1, { policyId: 'mopi-3' }), POLICIES, NOW);
    expect(v).toMatchObject({ classified: true, status: 'MoPI group 3' });
  });

  it('shows the raw policy id to roles that cannot read the policies', () => {
    expect(describeRetention(librarySession('s', 1, { policyId: 'mopi-3' }), [], NOW).status).toBe('mopi-3');
  });

  it('flags a review that is due, and a hold overrides the disposal date', () => {
    const s = librarySession('s', 1, { policyId: 'mopi-1', reviewDueAt: NOW - 1, retainUntil: NOW + 1e9 });
    expect(describeRetention(s, POLICIES, NOW).reviewDue).toBe(true);
    expect(describeRetention({ ...s, reviewDueAt: NOW + 1 }, POLICIES, NOW).reviewDue).toBe(false);
    expect(describeRetention({ ...s, legalHold: true }, POLICIES, NOW).retainUntil).toMatch(/legal hold/);
  });

  it('explains a policy in words', () => {
    expect(describePolicy(GROUP3)).toBe('Disposed 6 years after the clear period starts');
    expect(describePolicy(GROUP1)).toBe('Kept until the subject is 100; reviewed every 10 years');
  });
});

describe('buildClassify', () => {
  const form = { policyId: 'mopi-1', reason: 'Assault, CAD 12', dob: '', clearStart: '' };

  it('needs a date of birth for a keep-until-age policy, in the past', () => {
    expect(buildClassify(form, POLICIES, NOW)).toEqual({
      errors: { dob: "This policy needs the subject's date of birth." },
    });
    expect(buildClassify({ ...form, dob: '2030-01-01' }, POLICIES, NOW)).toEqual({
      errors: { dob: 'The date of birth is in the future.' },
    });
    expect(buildClassify({ ...form, dob: '1990-05-17' }, POLICIES, NOW)).toEqual({
      body: { policyId: 'mopi-1', reason: 'Assault, CAD 12', subjectDateOfBirth: '1990-05-17' },
    });
  });

  it('sends the clear-period start as local midnight and needs a policy and a reason', () => {
    const r = buildClassify({ ...form, policyId: 'mopi-3', clearStart: '2025-01-02' }, POLICIES, NOW);
    expect(r).toEqual({
      body: {
        policyId: 'mopi-3',
        reason: 'Assault, CAD 12',
        clearPeriodStart: new Date(2025, 0, 2).getTime(),
      },
    });
    const bad = buildClassify({ policyId: '', reason: 'no', dob: '', clearStart: '' }, POLICIES, NOW);
    expect(Object.keys('errors' in bad ? bad.errors : {}).sort()).toEqual(['policyId', 'reason']);
  });
});

describe('RetentionStore', () => {
  function store(current = librarySession('s1', 1)) {
    const api = {
      classify: vi.fn(async () => librarySession('s1', 1, { policyId: 'mopi-3' })),
      hold: vi.fn(async (_id: string, b: { hold: boolean }) =>
        librarySession('s1', 1, { legalHold: b.hold }),
      ),
      review: vi.fn(async () => librarySession('s1', 1)),
    };
    const onUpdated = vi.fn();
    const st = new RetentionStore({
      api,
      sessionId: 's1',
      policies: () => POLICIES,
      current: () => current,
      onUpdated,
      now: () => NOW,
    });
    return { st, api, onUpdated };
  }

  it('places a hold when there is none and releases one that is in place', async () => {
    const a = store();
    a.st.setHoldReason('Appeal pending');
    expect(await a.st.toggleHold()).toBe(true);
    expect(a.api.hold).toHaveBeenCalledWith('s1', { hold: true, reason: 'Appeal pending' });
    expect(a.st.get().message).toBe('Legal hold placed.');
    const b = store(librarySession('s1', 1, { legalHold: true }));
    b.st.setHoldReason('Appeal concluded');
    await b.st.toggleHold();
    expect(b.api.hold).toHaveBeenCalledWith('s1', { hold: false, reason: 'Appeal concluded' });
  });

  it('needs a reason for a hold', async () => {
    const { st, api } = store();
    expect(await st.toggleHold()).toBe(false);
    expect(st.get().hold.error).toMatch(/at least 5/);
    expect(api.hold).not.toHaveBeenCalled();
  });

  it('classifies, hands the new record on and clears the form', async () => {
    const { st, onUpdated } = store();
    st.setClassify('policyId', 'mopi-3');
    st.setClassify('reason', 'Theft, no further action');
    expect(await st.classify()).toBe(true);
    expect(onUpdated.mock.calls[0]?.[0].policyId).toBe('mopi-3');
    expect(st.get().classify.policyId).toBe('');
  });

  it('puts a server field error under its field', async () => {
    const { st, api } = store();
    api.classify.mockRejectedValueOnce(
      new ApiRequestError(400, 'bad_request', 'Invalid.', { subjectDateOfBirth: 'invalid date' }),
    );
    st.setClassify('policyId', 'mopi-3');
    st.setClassify('reason', 'Theft, no further action');
    await st.classify();
    expect(st.get().classify.errors).toEqual({ dob: 'Invalid date' });
  });
});

describe('retention page', () => {
  it('lists the most overdue review first and totals what disposal would delete', () => {
    const q = sortQueue([
      librarySession('b', 1, { reviewDueAt: 300 }),
      librarySession('a', 1, { reviewDueAt: 100 }),
    ]);
    expect(q.map((s) => s.id)).toEqual(['a', 'b']);
    const item = (size: number) => ({ id: 'i', fileName: 'f', sha256: 'a'.repeat(64), size });
    const report = {
      dryRun: true,
      at: 1,
      candidates: [
        {
          sessionId: 's',
          reference: null,
          policyId: null,
          retainUntil: 1,
          why: 'x',
          items: [item(5), item(7)],
        },
      ],
      refused: [],
    };
    expect(disposalBytes(report)).toBe(12);
  });
});
