import type { SessionMode } from '@sightline/protocol';
import { FIX_ALERT_MINUTES } from '@sightline/protocol/outcome-labels';

/** The invite form's pilot-workflow fields, as typed. */
export interface InviteWorkflowFields {
  /** Location-only links: a missing-person search (tracked for hours, alerts when fixes stop). */
  missingPerson: boolean;
  fixAlertMinutes: string;
  /** Two-way links: the optional bail or court-order check details. */
  checkSubject: string;
  checkCondition: string;
  checkDetail: string;
}

export type WorkflowErrors = Partial<
  Record<'fixAlertMinutes' | 'checkSubject' | 'checkCondition' | 'checkDetail', string>
>;

export const EMPTY_WORKFLOW: InviteWorkflowFields = {
  missingPerson: false,
  fixAlertMinutes: String(FIX_ALERT_MINUTES.default),
  checkSubject: '',
  checkCondition: '',
  checkDetail: '',
};

/** A missing-person search's usual window: 12 hours (the server's SIGHTLINE_MISSING_PERSON_MAX_HOURS caps it). */
export const MISSING_PERSON_DEFAULT_MINUTES = 12 * 60;
/** The protocol's ceiling for a search; the server's own setting may be lower and then says so. */
export const MISSING_PERSON_MAX_MINUTES = 72 * 60;

const checkStarted = (f: InviteWorkflowFields) =>
  Boolean(f.checkSubject.trim() || f.checkCondition || f.checkDetail.trim());

/** The same rules as InviteWorkflow in @sightline/protocol, with messages for the form. */
export function validateWorkflow(mode: SessionMode, f: InviteWorkflowFields): WorkflowErrors {
  const errors: WorkflowErrors = {};
  if (mode === 'location' && f.missingPerson && parseAlertMinutes(f.fixAlertMinutes) === null)
    errors.fixAlertMinutes = `Enter whole minutes from ${FIX_ALERT_MINUTES.min} to ${FIX_ALERT_MINUTES.max}.`;
  if (mode === 'two-way' && checkStarted(f)) {
    const subject = f.checkSubject.trim();
    if (subject.length < 2 || subject.length > 100)
      errors.checkSubject = "Enter the subject's name (2 to 100 characters).";
    if (!f.checkCondition) errors.checkCondition = 'Choose the condition.';
    const detail = f.checkDetail.trim();
    if (detail.length < 3 || detail.length > 300)
      errors.checkDetail =
        'Describe the condition: the address and hours, or the zone (3 to 300 characters).';
  }
  return errors;
}

export function parseAlertMinutes(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,3}$/.test(t)) return null;
  const n = Number(t);
  return n >= FIX_ALERT_MINUTES.min && n <= FIX_ALERT_MINUTES.max ? n : null;
}

/** The invite's `workflow`, or nothing for an ordinary link. */
export function workflowRequest(mode: SessionMode, f: InviteWorkflowFields) {
  if (mode === 'location' && f.missingPerson) {
    const minutes = parseAlertMinutes(f.fixAlertMinutes);
    return minutes === null
      ? {}
      : { workflow: { kind: 'missing-person' as const, fixAlertMinutes: minutes } };
  }
  if (mode === 'two-way' && checkStarted(f))
    return {
      workflow: {
        kind: 'bail-check' as const,
        check: {
          subject: f.checkSubject.trim(),
          condition: f.checkCondition as 'curfew',
          conditionDetail: f.checkDetail.trim(),
        },
      },
    };
  return {};
}
