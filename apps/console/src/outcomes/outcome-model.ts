import {
  OUTCOME_LABELS,
  type Outcome,
  type OutcomeRecord,
  RecordOutcomeRequest,
  type SessionMode,
  type TimelineEvent,
} from '@sightline/protocol';

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

/** Where each validation path is shown on the form. */
const FIELD_OF: Record<string, keyof OutcomeDraft> = {
  'record.decision': 'decision',
  'record.reason': 'reason',
  'record.followUp.action': 'followUpAction',
  'record.followUp.due': 'followUpDue',
  'record.subject': 'subject',
  'record.condition': 'condition',
  'record.conditionDetail': 'conditionDetail',
  'record.result': 'result',
  'record.identity.confirmed': 'identityConfirmed',
  'record.identity.method': 'identityMethod',
  'record.identity.detail': 'identityDetail',
  'record.notes': 'notes',
  'record.status': 'status',
  correctionReason: 'correctionReason',
};

/** Plain-English messages for a choice left empty. */
const CHOOSE: Partial<Record<keyof OutcomeDraft, string>> = {
  decision: 'Choose the outcome.',
  condition: 'Choose the condition.',
  result: 'Choose the result.',
  identityMethod: 'Choose how you identified the subject.',
  identityConfirmed: 'Confirm that you identified the subject.',
  status: 'Choose the search’s status.',
};

const sentence = (m: string) => {
  const s = m.charAt(0).toUpperCase() + m.slice(1);
  return s.endsWith('.') ? s : `${s}.`;
};

/** The request for a draft, or the errors to show beside its fields (validated by the protocol's schema). */
export function draftRequest(
  d: OutcomeDraft,
): { ok: true; body: RecordOutcomeRequest } | { ok: false; errors: DraftErrors } {
  const record =
    d.kind === 'triage'
      ? {
          kind: d.kind,
          decision: d.decision,
          reason: d.reason,
          followUp:
            d.followUpAction.trim() || d.followUpDue
              ? { action: d.followUpAction, due: d.followUpDue }
              : null,
        }
      : d.kind === 'bail-check'
        ? {
            kind: d.kind,
            subject: d.subject,
            condition: d.condition,
            conditionDetail: d.conditionDetail,
            result: d.result,
            identity: { confirmed: d.identityConfirmed, method: d.identityMethod, detail: d.identityDetail },
            notes: d.notes,
          }
        : { kind: d.kind, status: d.status, reason: d.reason };
  const parsed = RecordOutcomeRequest.safeParse({
    record,
    ...(d.correcting ? { supersedes: d.correcting, correctionReason: d.correctionReason } : {}),
  });
  if (parsed.success) return { ok: true, body: parsed.data };
  const errors: DraftErrors = {};
  for (const issue of parsed.error.issues) {
    const field: keyof DraftErrors = FIELD_OF[issue.path.join('.')] ?? 'form';
    if (errors[field]) continue;
    const empty = issue.code === 'invalid_value' || issue.code === 'invalid_type';
    errors[field] = (empty && field !== 'form' && CHOOSE[field]) || sentence(issue.message);
  }
  return { ok: false, errors };
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
