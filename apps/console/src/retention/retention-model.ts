import type { ClassifyRequest, LibrarySession, RetentionPolicy } from '@sightline/protocol';
import type { Body } from '../api/api-client.js';
import { formatDate, startOfLocalDay } from '../lib/dates.js';

/** A policy's label, or its id when the policies are not known (roles without retention:read). */
export function policyLabel(policies: readonly RetentionPolicy[], id: string | null): string | null {
  if (!id) return null;
  return policies.find((p) => p.id === id)?.label ?? id;
}

export interface RetentionView {
  classified: boolean;
  /** One line for the panel heading: the policy, or "Not classified". */
  status: string;
  /** When the evidence may be disposed of, in words. */
  retainUntil: string;
  reviewDueAt: number | null;
  reviewDue: boolean;
  hold: boolean;
  disposed: boolean;
}

/** How a session's retention reads to an officer at `now`. */
export function describeRetention(
  s: Pick<LibrarySession, 'policyId' | 'retainUntil' | 'reviewDueAt' | 'legalHold' | 'disposedAt'>,
  policies: readonly RetentionPolicy[],
  now: number,
): RetentionView {
  const label = policyLabel(policies, s.policyId);
  let retainUntil: string;
  if (s.legalHold) retainUntil = 'Kept while the legal hold is in place';
  else if (s.retainUntil !== null) retainUntil = formatDate(s.retainUntil);
  else if (s.reviewDueAt !== null) retainUntil = 'Until a review decides otherwise';
  else retainUntil = 'No disposal date';
  return {
    classified: label !== null,
    status: s.disposedAt !== null ? `Disposed (${label ?? 'not classified'})` : (label ?? 'Not classified'),
    retainUntil,
    reviewDueAt: s.reviewDueAt,
    reviewDue: s.reviewDueAt !== null && s.reviewDueAt <= now && s.disposedAt === null,
    hold: s.legalHold,
    disposed: s.disposedAt !== null,
  };
}

/** Group 1 keeps evidence until the subject is 100, which needs their date of birth. */
export function needsDateOfBirth(policy: RetentionPolicy | undefined): boolean {
  return !!policy && policy.retainUntilSubjectAge !== null;
}

/** A reason fit for the record; the server wants 5 to 500 characters. */
export function reasonError(reason: string, what = 'this change'): string | null {
  const t = reason.trim();
  if (t.length < 5) return `Give the reason for ${what} (at least 5 characters).`;
  if (t.length > 500) return 'Use at most 500 characters.';
  return null;
}

export interface ClassifyForm {
  policyId: string;
  reason: string;
  /** YYYY-MM-DD */
  dob: string;
  /** YYYY-MM-DD; empty means "now". */
  clearStart: string;
}

export type ClassifyErrors = Partial<Record<keyof ClassifyForm | 'form', string>>;

/** Checks the classification form and builds the request, or says what is wrong. */
export function buildClassify(
  form: ClassifyForm,
  policies: readonly RetentionPolicy[],
  now: number,
): { body: Body<typeof ClassifyRequest> } | { errors: ClassifyErrors } {
  const errors: ClassifyErrors = {};
  const policy = policies.find((p) => p.id === form.policyId);
  if (!policy) errors.policyId = 'Choose a retention policy.';
  const reason = reasonError(form.reason, 'this classification');
  if (reason) errors.reason = reason;
  let dob: string | undefined;
  if (needsDateOfBirth(policy) || form.dob.trim()) {
    const at = startOfLocalDay(form.dob);
    if (!form.dob.trim()) errors.dob = "This policy needs the subject's date of birth.";
    else if (at === null) errors.dob = 'Enter a real date.';
    else if (at > now) errors.dob = 'The date of birth is in the future.';
    else dob = form.dob.trim();
  }
  let clearPeriodStart: number | undefined;
  if (form.clearStart.trim()) {
    const at = startOfLocalDay(form.clearStart);
    if (at === null) errors.clearStart = 'Enter a real date.';
    else clearPeriodStart = at;
  }
  if (Object.keys(errors).length || !policy) return { errors };
  return {
    body: {
      policyId: policy.id,
      reason: form.reason.trim(),
      ...(dob ? { subjectDateOfBirth: dob } : {}),
      ...(clearPeriodStart !== undefined ? { clearPeriodStart } : {}),
    },
  };
}

/** "Keeps for 6 years", "Reviewed every 5 years", … : what choosing a policy means. */
export function describePolicy(p: RetentionPolicy): string {
  const parts: string[] = [];
  if (p.retainUntilSubjectAge !== null) parts.push(`kept until the subject is ${p.retainUntilSubjectAge}`);
  if (p.retainDays !== null) parts.push(`disposed ${formatDays(p.retainDays)} after the clear period starts`);
  if (p.reviewEveryYears !== null) parts.push(`reviewed every ${p.reviewEveryYears} years`);
  const text = parts.join('; ');
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : p.description;
}

function formatDays(days: number): string {
  if (days % 365 === 0 && days >= 365) return `${days / 365} year${days === 365 ? '' : 's'}`;
  return `${days} day${days === 1 ? '' : 's'}`;
}
