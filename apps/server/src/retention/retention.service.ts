import {
  clearPeriodStartProblem,
  dateOfBirthProblem,
  type LibrarySession,
  MAX_DATE_MS,
  type RetentionPolicy,
} from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { DomainError, notFound } from '../lib/errors.js';
import type { LibraryRepository } from '../library/library.repository.js';
import type { SessionService } from '../sessions/session.service.js';
import type { EvidenceProtection } from './evidence-protection.js';
import { retentionDates } from './policies.js';

type Officer = Actor & { type: 'officer' };

/** A 400 that names the request field at fault, as the route's schema errors do. */
const invalid = (field: string, problem: string) =>
  new DomainError('bad_request', `${field}: ${problem}`, { [field]: problem });

/** Classification under a retention policy, legal holds and reviews. Every change is audited with its reason. */
export class RetentionService {
  constructor(
    private readonly db: Db,
    private readonly library: LibraryRepository,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    readonly policies: RetentionPolicy[],
    readonly unclassifiedDays: number,
    /** Carries dates and holds into the store's own lock (S3 Object Lock); first, so a refused lock changes nothing. */
    private readonly protection?: EvidenceProtection,
  ) {}

  policy(id: string): RetentionPolicy {
    const p = this.policies.find((x) => x.id === id);
    if (!p)
      throw new DomainError('bad_request', `no retention policy "${id}"`, { policyId: 'unknown policy' });
    return p;
  }

  async classify(
    sessionId: string,
    officer: Officer,
    input: {
      policyId: string;
      reason: string;
      subjectDateOfBirth?: string | undefined;
      clearPeriodStart?: number | undefined;
    },
    ip: string | null,
  ): Promise<LibrarySession> {
    const policy = this.policy(input.policyId);
    const row = await this.live(sessionId);
    const now = this.clock.now();
    // The route's schema checks these too; the service must not rely on every caller having done so.
    const dobProblem =
      input.subjectDateOfBirth === undefined ? null : dateOfBirthProblem(input.subjectDateOfBirth, now);
    if (dobProblem) throw invalid('subjectDateOfBirth', dobProblem);
    const startProblem =
      input.clearPeriodStart === undefined ? null : clearPeriodStartProblem(input.clearPeriodStart, now);
    if (startProblem) throw invalid('clearPeriodStart', startProblem);
    const dates = retentionDates(policy, {
      now,
      clearPeriodStart: input.clearPeriodStart,
      subjectDob: input.subjectDateOfBirth,
    });
    // What made the date: the date of birth for "until the subject is N", else the clear period.
    const cause =
      policy.retainUntilSubjectAge !== null && input.subjectDateOfBirth
        ? 'subjectDateOfBirth'
        : 'clearPeriodStart';
    for (const [field, value] of [
      [cause, dates.retainUntil],
      ['policyId', dates.reviewDueAt],
    ] as const) {
      // Anything the library cannot serialise would turn every library and SAR listing into a 500.
      if (value !== null && !(Number.isSafeInteger(value) && Math.abs(value) <= MAX_DATE_MS))
        throw invalid(field, 'gives a retention date that is not a representable time');
    }
    const createdAt = Number(row.created_at);
    if (dates.retainUntil !== null && dates.retainUntil < createdAt)
      throw invalid(
        cause,
        `gives a retention date (${new Date(dates.retainUntil).toISOString().slice(0, 10)}) before the session was created (${new Date(createdAt).toISOString().slice(0, 10)}): the media would be disposed of at once`,
      );
    await this.protection?.session(row.id, {
      retain_until: dates.retainUntil,
      review_due_at: dates.reviewDueAt,
      legal_hold: row.legal_hold,
    });
    await this.db
      .updateTable('sessions')
      .set({
        policy_id: policy.id,
        classified_at: now,
        classified_by: officer.id,
        subject_dob: input.subjectDateOfBirth ?? null,
        clear_period_start: input.clearPeriodStart ?? now,
        retain_until: dates.retainUntil,
        review_due_at: dates.reviewDueAt,
      })
      .where('id', '=', row.id)
      .execute();
    await this.audit.record({
      actor: officer,
      action: 'retention.classify',
      subject: { type: 'session', id: sessionId },
      detail: {
        policyId: policy.id,
        previous: row.policy_id,
        reason: input.reason,
        retainUntil: dates.retainUntil,
        reviewDueAt: dates.reviewDueAt,
      },
      ip,
    });
    await this.sessions.addEvent(
      sessionId,
      'retention.classified',
      officer.name,
      `${policy.label}: ${input.reason}`,
    );
    return (await this.library.one(sessionId))!;
  }

  async hold(
    sessionId: string,
    officer: Officer,
    input: { hold: boolean; reason: string },
    ip: string | null,
  ): Promise<LibrarySession> {
    const row = await this.live(sessionId);
    await this.protection?.session(sessionId, { ...row, legal_hold: input.hold ? 1 : 0 });
    await this.db
      .updateTable('sessions')
      .set({ legal_hold: input.hold ? 1 : 0, hold_reason: input.hold ? input.reason : null })
      .where('id', '=', sessionId)
      .execute();
    await this.audit.record({
      actor: officer,
      action: input.hold ? 'retention.hold' : 'retention.release',
      subject: { type: 'session', id: sessionId },
      detail: { reason: input.reason },
      ip,
    });
    await this.sessions.addEvent(
      sessionId,
      input.hold ? 'retention.hold' : 'retention.release',
      officer.name,
      input.reason,
    );
    return (await this.library.one(sessionId))!;
  }

  /** Records a periodic review: keep (next review in N years) or mark for disposal. */
  async review(
    sessionId: string,
    officer: Officer,
    input: { outcome: 'retain' | 'dispose'; reason: string },
    ip: string | null,
  ): Promise<LibrarySession> {
    const row = await this.live(sessionId);
    if (!row.policy_id) throw new DomainError('conflict', 'classify the session before reviewing it');
    const policy = this.policy(row.policy_id);
    const now = this.clock.now();
    const patch =
      input.outcome === 'retain'
        ? { review_due_at: retentionDates(policy, { now }).reviewDueAt }
        : { retain_until: now, review_due_at: null };
    await this.protection?.session(sessionId, { ...row, ...patch });
    await this.db.updateTable('sessions').set(patch).where('id', '=', sessionId).execute();
    await this.audit.record({
      actor: officer,
      action: 'retention.review',
      subject: { type: 'session', id: sessionId },
      detail: { outcome: input.outcome, reason: input.reason, policyId: policy.id, ...patch },
      ip,
    });
    await this.sessions.addEvent(
      sessionId,
      'retention.reviewed',
      officer.name,
      `${input.outcome}: ${input.reason}`,
    );
    return (await this.library.one(sessionId))!;
  }

  /** Sessions whose review is due now or within 30 days. */
  reviewQueue(): Promise<LibrarySession[]> {
    return this.library.find({ reviewDueBefore: this.clock.now() + 30 * 86_400_000, limit: 500 });
  }

  private async live(sessionId: string) {
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', sessionId)
      .executeTakeFirst();
    if (!row) throw notFound('session');
    if (row.disposed_at !== null)
      throw new DomainError('conflict', 'this session’s media has already been disposed of');
    return row;
  }
}
