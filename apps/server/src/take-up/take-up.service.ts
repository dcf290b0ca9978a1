import type {
  CallerEnvironmentReport,
  CallerFeedbackRequest,
  TakeUpQuery,
  TakeUpReport,
} from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import { hashSecret, type Random } from '../adapters/random.js';
import { type AuditService, SYSTEM } from '../audit/audit.service.js';
import { DomainError } from '../lib/errors.js';
import type { SessionService } from '../sessions/session.service.js';
import { takeUpCsv } from './csv.js';
import type { TakeUpRepository } from './take-up.repository.js';
import { buildReport } from './take-up-figures.js';

type OfficerActor = { type: 'officer'; id: string; name: string };
const DAY_MS = 86_400_000;
/** Held answers are moved once this many wait, or else the day after they were given. */
const RELEASE_BATCH = 5;
const utcDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

export interface TakeUpSettings {
  /** How long a caller's free-text feedback is kept before it is erased (SIGHTLINE_FEEDBACK_TEXT_DAYS). */
  feedbackTextMs: number;
}

/**
 * Take-up and feedback: the caller's anonymous answer after the session, what the caller's page
 * reports about a browser that cannot take part, and the supervisors' report computed from the
 * session records, the texts' delivery and the timelines (no counters of its own).
 */
export class TakeUpService {
  constructor(
    private readonly repo: TakeUpRepository,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly settings: TakeUpSettings,
  ) {}

  /**
   * Takes the caller's answer once per link, after the session ended. The stored answer keeps
   * only what the report groups by (no time below the day); the session keeps only "feedback
   * given". Not audited per answer: an entry naming the session at the moment of answering would
   * tie it to the batch the answer is moved in; the sweep audits each batch instead.
   */
  async feedback(sessionId: string, input: CallerFeedbackRequest): Promise<void> {
    const row = await this.sessions.get(sessionId);
    if (row.state !== 'ended')
      throw new DomainError('conflict', 'the question is asked once the session has ended');
    // Grouped like the report's sessions: by the day the link was first texted.
    const sentAt = (await this.repo.firstTextAt(sessionId)) ?? Number(row.created_at);
    const stored = await this.repo.give(sessionId, {
      id: this.random.id(),
      held_day: utcDay(this.clock.now()),
      sent_day: utcDay(sentAt),
      team: row.team,
      mode: row.mode,
      language: row.language,
      answer: input.answer,
      text: input.text ? input.text : null,
    });
    if (!stored) throw new DomainError('conflict', 'this link has already been answered');
  }

  /**
   * Records, once per session, that its link was opened in an app's built-in browser or in a
   * browser without WebRTC. Says nothing back: an unknown or finished link is ignored alike.
   */
  async environment(report: CallerEnvironmentReport): Promise<void> {
    const row = await this.repo.sessionByTokenHash(hashSecret(report.token));
    if (!row || ['ended', 'expired'].includes(row.state)) return;
    const notes: Array<[string, string | null]> = [];
    if (report.inAppBrowser)
      notes.push(['caller.in_app_browser', `${report.inAppBrowser}'s built-in browser`]);
    // A location-only link needs no WebRTC: no failure there.
    if (!report.webrtc && row.mode !== 'location')
      notes.push(['caller.no_webrtc', 'this browser cannot send live video']);
    for (const [type, detail] of notes)
      if (!(await this.repo.hasEvent(row.id, type)))
        await this.sessions.addEvent(row.id, type, 'caller', detail);
  }

  /** The report over links sent in the query's range; audited (the comments may name someone). */
  async report(actor: OfficerActor, q: TakeUpQuery, ip: string | null): Promise<TakeUpReport> {
    const report = await this.build(q);
    await this.audited(
      actor,
      'take_up.read',
      q,
      { sessions: report.total.sent, comments: report.comments.length },
      ip,
    );
    return report;
  }

  /** The report's figures as CSV (no free texts); audited as an export. */
  async csv(actor: OfficerActor, q: TakeUpQuery, ip: string | null): Promise<string> {
    const report = await this.build(q);
    await this.audited(actor, 'take_up.export', q, { rows: report.rows.length }, ip);
    return takeUpCsv(report);
  }

  /**
   * The sweep: moves held answers into the report (audited per batch, never per session), then
   * erases free texts of links sent more than SIGHTLINE_FEEDBACK_TEXT_DAYS ago (audited when any
   * were). Returns how many texts were erased.
   */
  async purge(): Promise<number> {
    const now = this.clock.now();
    const released = await this.repo.release(utcDay(now), RELEASE_BATCH);
    if (released > 0)
      await this.audit.record({
        actor: SYSTEM,
        action: 'feedback.released',
        subject: { type: 'caller-feedback', id: 'answers' },
        detail: { answers: released },
      });
    const erased = await this.repo.purgeTexts(now - this.settings.feedbackTextMs);
    if (erased > 0)
      await this.audit.record({
        actor: SYSTEM,
        action: 'feedback.texts_erased',
        subject: { type: 'caller-feedback', id: 'texts' },
        detail: { erased },
      });
    return erased;
  }

  /** One audit entry per read or export, naming the range and period asked for. */
  private audited(
    actor: OfficerActor,
    action: string,
    q: TakeUpQuery,
    detail: Record<string, number>,
    ip: string | null,
  ): Promise<void> {
    return this.audit.record({
      actor,
      action,
      subject: { type: 'take-up-report', id: `${q.from}/${q.to}` },
      detail: { period: q.period, ...detail },
      ip,
    });
  }

  private async build(q: TakeUpQuery): Promise<TakeUpReport> {
    const from = Date.parse(`${q.from}T00:00:00Z`);
    const to = Date.parse(`${q.to}T00:00:00Z`) + DAY_MS;
    const [sessions, feedback] = await Promise.all([
      this.repo.sessions(from, to),
      this.repo.feedback(from, to),
    ]);
    return buildReport({ from: q.from, to: q.to, period: q.period }, sessions, feedback);
  }
}
