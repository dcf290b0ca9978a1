import type {
  Outcome,
  OutcomeRecord,
  RecordOutcomeRequest,
  SessionMode,
  TimelineEvent,
} from '@sightline/protocol';
import {
  BAIL_CONDITIONS,
  BAIL_RESULTS,
  IDENTITY_METHODS,
  MISSING_PERSON_STATUSES,
  OUTCOME_LABELS,
  TRIAGE_DECISIONS,
} from '@sightline/protocol/outcome-labels';

export type OutcomeKind = OutcomeRecord['kind'];

/** Everything the outcome form holds, as typed (strings until validated). */
export interface OutcomeDraft {
  kind: OutcomeKind;
  decision: string;
  reason: string;
  followUpAction: string;
  followUpDue: string;
  subject: string;
  condition: string;
  conditionDetail: string;
  result: string;
  identityConfirmed: boolean;
  identityMethod: string;
  identityDetail: string;
  notes: string;
  status: string;
  /** The record being corrected, if this is a correction. */
  correcting: string | null;
  correctionReason: string;
}

export type DraftErrors = Partial<Record<keyof OutcomeDraft | 'form', string>>;

export const EMPTY_DRAFT: OutcomeDraft = {
  kind: 'triage',
  decision: '',
  reason: '',
  followUpAction: '',
  followUpDue: '',
  subject: '',
  condition: '',
  conditionDetail: '',
  result: '',
  identityConfirmed: false,
  identityMethod: '',
  identityDetail: '',
  notes: '',
  status: '',
  correcting: null,
  correctionReason: '',
};

/** The workflows a session's mode allows: triage on any; a bail check on two-way; a search on location-only. */
export function kindsFor(mode: SessionMode): OutcomeKind[] {
  if (mode === 'two-way') return ['bail-check', 'triage'];
  if (mode === 'location') return ['missing-person', 'triage'];
  return ['triage'];
}

export const KIND_NAMES: Record<OutcomeKind, string> = {
  triage: 'Triage / TDIU screening',
  'bail-check': 'Bail or court-order check',
  'missing-person': 'Missing person search',
};

const has = <T extends string>(list: readonly T[], v: string): v is T =>
  (list as readonly string[]).includes(v);

/** A real calendar day as YYYY-MM-DD (not 2026-02-30). */
export function isDay(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/**
 * The request for a draft, or the errors to show beside its fields. The same rules as
 * RecordOutcomeRequest in @sightline/protocol (the server has the last word), written out here
 * with messages for a form so the console need not carry zod; outcomes.test.ts checks they agree.
 */
export function draftRequest(
  d: OutcomeDraft,
): { ok: true; body: RecordOutcomeRequest } | { ok: false; errors: DraftErrors } {
  const errors: DraftErrors = {};
  const text = (k: keyof OutcomeDraft, what: string, min: number, max: number) => {
    const v = String(d[k]).trim();
    if (v.length < min) errors[k] = min > 1 ? `${what}: at least ${min} characters.` : `Enter ${what}.`;
    else if (v.length > max) errors[k] = `${what}: at most ${max} characters.`;
    return v;
  };
  const optional = (k: keyof OutcomeDraft, what: string, max: number) => text(k, what, 0, max);
  const choose = <T extends string>(k: keyof OutcomeDraft, list: readonly T[], message: string): T => {
    const v = String(d[k]);
    if (!has(list, v)) errors[k] = message;
    return v as T;
  };
  let record: RecordOutcomeRequest['record'];
  if (d.kind === 'triage') {
    const decision = choose('decision', TRIAGE_DECISIONS, 'Choose the outcome.');
    const reason = text('reason', 'Reason', 3, 2000);
    const wantsFollowUp = Boolean(d.followUpAction.trim() || d.followUpDue);
    const action = wantsFollowUp ? text('followUpAction', 'Follow-up', 3, 300) : '';
    if (wantsFollowUp && !isDay(d.followUpDue)) errors.followUpDue = 'Enter the date the follow-up is due.';
    record = {
      kind: 'triage',
      decision,
      reason,
      followUp: wantsFollowUp ? { action, due: d.followUpDue } : null,
    };
  } else if (d.kind === 'bail-check') {
    const subject = text('subject', 'Subject', 2, 100);
    const condition = choose('condition', BAIL_CONDITIONS, 'Choose the condition.');
    const conditionDetail = text('conditionDetail', 'Condition', 3, 300);
    const result = choose('result', BAIL_RESULTS, 'Choose the result.');
    const method = choose('identityMethod', IDENTITY_METHODS, 'Choose how you identified the subject.');
    const detail = optional('identityDetail', 'Identification details', 200);
    if (!d.identityConfirmed) errors.identityConfirmed = 'Confirm that you identified the subject.';
    const notes = optional('notes', 'Notes', 2000);
    record = {
      kind: 'bail-check',
      subject,
      condition,
      conditionDetail,
      result,
      identity: { confirmed: true, method, detail },
      notes,
    };
  } else {
    const status = choose('status', MISSING_PERSON_STATUSES, 'Choose the search’s status.');
    record = { kind: 'missing-person', status, reason: text('reason', 'Reason', 3, 2000) };
  }
  const correctionReason = d.correcting ? text('correctionReason', 'Why it is corrected', 3, 500) : '';
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    body: { record, ...(d.correcting ? { supersedes: d.correcting, correctionReason } : {}) },
  };
}

/** A draft that corrects `o`: the same fields, to be changed, and why. */
export function correctionDraft(o: Outcome): OutcomeDraft {
  const r = o.record;
  const base = { ...EMPTY_DRAFT, kind: r.kind, correcting: o.id };
  if (r.kind === 'triage')
    return {
      ...base,
      decision: r.decision,
      reason: r.reason,
      followUpAction: r.followUp?.action ?? '',
      followUpDue: r.followUp?.due ?? '',
    };
  if (r.kind === 'bail-check')
    return {
      ...base,
      subject: r.subject,
      condition: r.condition,
      conditionDetail: r.conditionDetail,
      result: r.result,
      identityMethod: r.identity.method,
      identityDetail: r.identity.detail,
      notes: r.notes,
    };
  return { ...base, status: r.status, reason: r.reason };
}

/** The record's particulars as label/value rows for the session page. */
export function outcomeRows(r: OutcomeRecord, now: number): Array<[string, string]> {
  switch (r.kind) {
    case 'triage':
      return [
        ['Outcome', OUTCOME_LABELS[r.decision]],
        ['Reason', r.reason],
        ...(r.followUp
          ? [['Follow-up', `${r.followUp.action} (due ${r.followUp.due})`] as [string, string]]
          : []),
      ];
    case 'bail-check':
      return [
        ['Subject', r.subject],
        ['Condition', `${OUTCOME_LABELS[r.condition]}: ${r.conditionDetail}`],
        ['Result', OUTCOME_LABELS[r.result]],
        [
          'Identity',
          `Confirmed: ${OUTCOME_LABELS[r.identity.method]}${r.identity.detail ? ` (${r.identity.detail})` : ''}`,
        ],
        ['Location at the result', locationText(r.location, now)],
        ...(r.notes ? [['Notes', r.notes] as [string, string]] : []),
      ];
    case 'missing-person':
      return [
        ['Status', OUTCOME_LABELS[r.status]],
        ['Reason', r.reason],
      ];
  }
}

function locationText(l: Extract<OutcomeRecord, { kind: 'bail-check' }>['location'], _now: number): string {
  if (!l) return 'No position had been received';
  const age = Math.round(l.ageMs / 1000);
  return `${l.lat.toFixed(5)}, ${l.lon.toFixed(5)} ±${Math.round(l.accuracy)} m (fix ${age < 120 ? `${age} s` : `${Math.round(age / 60)} min`} old)`;
}

/** The server's no-fix alert, as its timeline shows it: raised and not yet cleared. */
export function fixAlert(timeline: readonly TimelineEvent[]): TimelineEvent | null {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const e = timeline[i]!;
    if (e.type === 'location.resumed') return null;
    if (e.type === 'location.stale') return e;
  }
  return null;
}

/** Timeline events after which the outcomes list (or the alert state) must be read again. */
export const OUTCOME_EVENTS = new Set([
  'outcome.recorded',
  'outcome.corrected',
  'location.stale',
  'location.resumed',
]);
