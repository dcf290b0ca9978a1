import type {
  DistressMark,
  DistressMarkRequest,
  ExposureInterval,
  OfficerExposure,
  Role,
  WellbeingReport,
} from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { AuditService } from '../audit/audit.service.js';
import type { ViewerProtectionConfig } from '../config/viewer-protection-config.js';
import { notFound } from '../lib/errors.js';
import type { SessionService } from '../sessions/session.service.js';
import type { ExposureRepository } from './exposure.repository.js';
import { formatStart, shiftOf } from './shifts.js';
import { summarise } from './wellbeing.js';

type OfficerActor = { type: 'officer'; id: string; name: string };
const DAY_MS = 86_400_000;

/**
 * The exposure log: what each officer saw clearly and marked as distressing, and the
 * wellbeing view built from it. Reading it is reading personal (occupational health) data,
 * so every read is audited, not coalesced. Storing an interval is not audited: the console
 * sends one every few seconds per view, and the interval itself is the record.
 */
export class ExposureService {
  constructor(
    private readonly repo: ExposureRepository,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly settings: ViewerProtectionConfig,
    /**
     * Whether this officer may see the session's footage at all (their role, or a field officer's
     * live share of it): a mark writes to the session's timeline, so only someone who watches it may.
     */
    private readonly maySee: (
      officer: OfficerActor,
      roles: readonly Role[],
      sessionId: string,
    ) => Promise<boolean>,
  ) {}

  /**
   * Stores intervals seen clearly; returns how many were new. Times are the server's: the
   * interval ends when it arrives, so a browser's wrong clock cannot move it between shifts.
   */
  async report(officer: OfficerActor, intervals: readonly ExposureInterval[]): Promise<number> {
    const known = await this.repo.existingSessions([...new Set(intervals.map((i) => i.sessionId))]);
    const now = this.clock.now();
    return this.repo.addIntervals(
      officer.id,
      intervals
        .filter((i) => known.has(i.sessionId))
        .map((i) => ({
          id: i.id,
          sessionId: i.sessionId,
          kind: i.kind,
          itemId: i.itemId ?? null,
          startedAt: now - i.spanMs,
          endedAt: now,
          seenMs: i.seenMs,
        })),
    );
  }

  /**
   * "Mark as distressing". The session's timeline gets a neutral event (no name, no note): it
   * warns whoever watches next; who felt what, and their note, stay in the exposure log.
   */
  async mark(
    officer: OfficerActor,
    roles: readonly Role[],
    input: DistressMarkRequest,
    ip: string | null,
  ): Promise<DistressMark> {
    // Someone who cannot see the session learns nothing about it, not even that it exists.
    if (!(await this.maySee(officer, roles, input.sessionId))) throw notFound('session');
    await this.sessions.get(input.sessionId);
    const mark: DistressMark = {
      id: input.id,
      sessionId: input.sessionId,
      kind: input.kind,
      itemId: input.itemId ?? null,
      mediaTime: input.mediaTime ?? null,
      note: input.note ? input.note : null,
      at: this.clock.now(),
    };
    if (!(await this.repo.addMark(officer.id, mark)))
      return (await this.repo.mark(officer.id, input.id)) ?? mark;
    await this.audit.record({
      actor: officer,
      action: 'exposure.mark',
      // The officer is the subject: which officer found footage distressing is occupational-health
      // data, and an entry about the session would be copied into the session's evidence exports.
      subject: { type: 'officer', id: officer.id },
      detail: { sessionId: input.sessionId, markId: mark.id, kind: mark.kind, withNote: mark.note !== null },
      ip,
    });
    const where =
      mark.kind === 'live'
        ? 'live video'
        : `recording${mark.mediaTime !== null ? ` at ${clock(mark.mediaTime)}` : ''}`;
    // "viewer", not a name: the timeline is read by everyone on the case and goes into exports.
    await this.sessions.addEvent(input.sessionId, 'viewer.distressing', 'viewer', where);
    return mark;
  }

  /** Every officer's exposure per shift over the last `days` days (supervisors); audited each time. */
  async wellbeing(actor: OfficerActor, days: number, ip: string | null): Promise<WellbeingReport> {
    const report = await this.build(days);
    await this.audit.record({
      actor,
      action: 'wellbeing.read',
      subject: { type: 'wellbeing', id: 'all-officers' },
      detail: { days, officers: report.officers.length },
      ip,
    });
    return report;
  }

  /** The officer's own exposure (their account page); audited too, as every read of it is. */
  async mine(actor: OfficerActor, days: number, ip: string | null): Promise<WellbeingReport> {
    const report = await this.build(days, actor.id);
    await this.audit.record({
      actor,
      action: 'exposure.read_own',
      subject: { type: 'officer', id: actor.id },
      detail: { days },
      ip,
    });
    return report;
  }

  private async build(days: number, officerId?: string): Promise<WellbeingReport> {
    const now = this.clock.now();
    const plan = { starts: this.settings.shiftStarts, timeZone: this.settings.timeZone };
    const from = shiftOf(now - days * DAY_MS, plan).start;
    const to = shiftOf(now, plan).end;
    const [intervals, marks] = await Promise.all([
      this.repo.intervals(from, to, officerId),
      this.repo.marks(from, to, officerId),
    ]);
    const officers: OfficerExposure[] = summarise(intervals, marks, plan, this.settings.thresholds);
    return {
      from,
      to,
      shiftPlan: { starts: plan.starts.map(formatStart), timeZone: plan.timeZone },
      thresholds: this.settings.thresholds,
      officers,
    };
  }
}

/** 83.4 → "1:23". */
function clock(seconds: number): string {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
