import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import { type AuditService, SYSTEM } from '../audit/audit.service.js';
import type { SessionService } from '../sessions/session.service.js';

/** A watched session as the sweep sees it. */
export interface Watched {
  sessionId: string;
  thresholdMs: number;
  alertSince: number | null;
  /** When the newest fix arrived; else when sharing began (consent), so a phone that never sends one alerts too. */
  lastFixAt: number | null;
  startedAt: number | null;
}

/** What the sweep should do for one session: raise the alert, clear it, or nothing. */
export function staleDecision(w: Watched, now: number): 'raise' | 'clear' | null {
  const since = w.lastFixAt ?? w.startedAt;
  if (since === null) return null;
  const stale = now - since > w.thresholdMs;
  if (stale && w.alertSince === null) return 'raise';
  if (!stale && w.alertSince !== null) return 'clear';
  return null;
}

const WATCHED_CACHE = 10_000;

// Thresholds are whole minutes; only a training or test override is shorter than one.
const minutes = (ms: number) =>
  ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;

/**
 * The missing-person no-fix alert, owned by the server: a sweep (on whichever instance holds
 * the lease) raises it when a live search's phone has sent no fix for longer than its
 * threshold, and clears it when fixes resume. Raising and clearing are compare-and-set on
 * `alert_since`, so instances racing write one timeline event each way. Consoles see the
 * timeline events (`location.stale`, `location.resumed`) and show the banner from them.
 */
export class FixWatch {
  /**
   * Whether each recently seen session is a watched search. A session's workflow is fixed when
   * its invite is created, before any fix can arrive, so the answer never changes: an ordinary
   * call's fixes then cost no query here. Bounded; the oldest entry goes first.
   */
  readonly #watched = new Map<string, boolean>();

  constructor(
    private readonly db: Db,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** Training and tests (SIGHTLINE_FIX_ALERT_OVERRIDE_SECONDS): one threshold for every search. */
    private readonly thresholdOverrideMs: number | null = null,
  ) {}

  /** Checks every live missing-person search once. Returns how many alerts changed. */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const rows = await this.db
      .selectFrom('session_workflows as w')
      .innerJoin('sessions as s', 's.id', 'w.session_id')
      .select((eb) => [
        'w.session_id as sessionId',
        'w.fix_alert_ms as thresholdMs',
        'w.alert_since as alertSince',
        's.consented_at as startedAt',
        eb
          .selectFrom('location_fixes as f')
          .whereRef('f.session_id', '=', 'w.session_id')
          .select((f) => f.fn.max('f.received_at').as('m'))
          .as('lastFixAt'),
      ])
      .where('w.fix_alert_ms', 'is not', null)
      .where('s.state', 'in', ['consented', 'live'])
      .execute();
    let changed = 0;
    for (const r of rows) {
      const w: Watched = {
        sessionId: r.sessionId,
        thresholdMs: this.thresholdOverrideMs ?? Number(r.thresholdMs),
        alertSince: r.alertSince === null ? null : Number(r.alertSince),
        lastFixAt: r.lastFixAt === null ? null : Number(r.lastFixAt),
        startedAt: r.startedAt === null ? null : Number(r.startedAt),
      };
      const decision = staleDecision(w, now);
      if (decision === 'raise' && (await this.raise(w, now))) changed++;
      if (decision === 'clear' && (await this.clear(w.sessionId, now))) changed++;
    }
    return changed;
  }

  /** A fix arrived: clear the session's alert at once rather than at the next sweep. */
  async fixArrived(sessionId: string): Promise<void> {
    if (!(await this.isWatched(sessionId))) return;
    await this.clear(sessionId, this.clock.now());
  }

  private async isWatched(sessionId: string): Promise<boolean> {
    const known = this.#watched.get(sessionId);
    if (known !== undefined) return known;
    const row = await this.db
      .selectFrom('session_workflows')
      .select('fix_alert_ms')
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    const watched = row?.fix_alert_ms != null;
    if (this.#watched.size >= WATCHED_CACHE) this.#watched.delete(this.#watched.keys().next().value!);
    this.#watched.set(sessionId, watched);
    return watched;
  }

  private async raise(w: Watched, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('session_workflows')
      .set({ alert_since: now })
      .where('session_id', '=', w.sessionId)
      .where('alert_since', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    const since = w.lastFixAt ?? w.startedAt ?? now;
    const detail = w.lastFixAt
      ? `no position for over ${minutes(w.thresholdMs)}; last fix ${minutes(now - since)} ago`
      : `no position since sharing began (${minutes(now - since)})`;
    await this.sessions.addEvent(w.sessionId, 'location.stale', null, detail, now);
    await this.audit.record({
      actor: SYSTEM,
      action: 'location.stale',
      subject: { type: 'session', id: w.sessionId },
      detail: { thresholdMs: w.thresholdMs, lastFixAt: w.lastFixAt },
    });
    return true;
  }

  private async clear(sessionId: string, now: number): Promise<boolean> {
    const before = await this.db
      .selectFrom('session_workflows')
      .select('alert_since')
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    if (!before || before.alert_since === null) return false;
    const res = await this.db
      .updateTable('session_workflows')
      .set({ alert_since: null })
      .where('session_id', '=', sessionId)
      .where('alert_since', '=', before.alert_since)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    await this.sessions.addEvent(
      sessionId,
      'location.resumed',
      'caller',
      `positions arriving again after ${minutes(now - Number(before.alert_since))} of alert`,
      now,
    );
    await this.audit.record({
      actor: SYSTEM,
      action: 'location.resumed',
      subject: { type: 'session', id: sessionId },
      detail: { alertSince: Number(before.alert_since) },
    });
    return true;
  }
}
