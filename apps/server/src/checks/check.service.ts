import { createHash } from 'node:crypto';
import type {
  Check,
  CheckListQuery,
  Language,
  ScheduleChecksRequest,
  ScheduleChecksResponse,
} from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import { isUniqueViolation } from '../adapters/db/errors.js';
import { advisoryLock, withTransaction } from '../adapters/db/transaction.js';
import { hashSecret, type Random } from '../adapters/random.js';
import { type Actor, type AuditService, SYSTEM } from '../audit/audit.service.js';
import { auditTextFailure, type InviteSettings, linkFor } from '../invites/invite.service.js';
import { type InviteLimitSettings, InviteLimits } from '../invites/invite-limits.js';
import { parseMobileNumber } from '../invites/phone.js';
import { TextDeliveries } from '../invites/text-deliveries.js';
import { DomainError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { OutcomeRepository } from '../outcomes/outcome.repository.js';
import { SessionRepository, senderTeam, unopenedSession } from '../sessions/session.repository.js';
import type { SessionService } from '../sessions/session.service.js';
import { CheckRepository } from './check.repository.js';
import { checkWindows, expandRepeat } from './check-windows.js';

export type CheckSettings = Pick<
  InviteSettings,
  'publicUrl' | 'agency' | 'defaultRegion' | 'senderId' | 'texts'
> & {
  /** The zone a repeat rule's times are in (SIGHTLINE_CHECK_TIME_ZONE). */
  timeZone: string;
  /** The invites' per-number and per-officer text limits, which scheduled texts count towards too. */
  limits: InviteLimitSettings;
};

type Officer = Actor & { type: 'officer' };

const TOKEN_BYTES = 32;
const WEEK_MS = 7 * 86_400_000;

/**
 * Scheduled bail and court-order checks: one two-way link per window, usable only inside it, texted
 * when it opens by whichever instance finds it due first (a compare-and-set on the session, so a
 * restart or a second instance never sends it twice). A series is the checks scheduled together.
 */
export class CheckService {
  readonly #repo: CheckRepository;

  constructor(
    private readonly db: Db,
    private readonly sessions: SessionService,
    private readonly deliveries: TextDeliveries,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly audit: AuditService,
    private readonly log: Logger,
    private readonly settings: CheckSettings,
  ) {
    this.#repo = new CheckRepository(db);
  }

  /**
   * Creates one check per window, in one transaction; texts go when each window opens (or now, for
   * one). With an idempotency key the series' ids come from it, so a repeat of the same press (a
   * double click, a retry) gets the first answer and never makes a second series.
   */
  async schedule(
    input: ScheduleChecksRequest,
    officer: Officer,
    ip: string | null,
    idempotencyKey: string | null = null,
  ): Promise<ScheduleChecksResponse> {
    const phone = parseMobileNumber(input.phone, this.settings.defaultRegion);
    const now = this.clock.now();
    const windows = checkWindows(input.windows ?? expandRepeat(input.repeat!, this.settings.timeZone), now);
    if (input.textAt === 'now' && windows.length > 1)
      throw new DomainError('bad_request', 'only a single check can be texted now', {
        textAt: 'a series is texted as each window opens',
      });
    const seriesId = idempotencyKey
      ? idFrom(`check-series:${officer.id}:${idempotencyKey}`)
      : this.random.id();
    const reference = input.reference?.trim() || null;
    const ids = windows.map((_, i) => (idempotencyKey ? idFrom(`${seriesId}:${i}`) : this.random.id()));
    const replay = () => this.#series(seriesId);
    if (idempotencyKey && (await this.#repo.seriesOwner(seriesId))) return replay();
    denseWindows(windows, Math.min(this.settings.limits.perNumberHour, this.settings.limits.perOfficerHour));
    // A text now is refused here, plainly, rather than recorded as refused a moment later.
    if (input.textAt === 'now')
      await new InviteLimits(TextDeliveries.repo(this.db), this.settings.limits).check(
        phone.e164,
        officer.id,
        now,
      );
    const created = withTransaction(this.db, async (trx) => {
      const repo = new SessionRepository(trx);
      const team = await senderTeam(trx, officer.id);
      for (const [i, w] of windows.entries()) {
        const id = ids[i]!;
        await repo.insert(
          unopenedSession({
            id,
            reference,
            phone_e164: phone.e164,
            phone_masked: phone.masked,
            created_by: officer.id,
            created_at: now,
            expires_at: w.notAfter,
            // A placeholder no one holds: the link's real token is made when its text goes.
            token_hash: hashSecret(this.random.secret(TOKEN_BYTES)),
            mode: 'two-way',
            language: input.language,
            not_before: w.notBefore,
            text_due_at: input.textAt === 'now' ? now : w.notBefore,
            series_id: seriesId,
            team,
          }),
        );
        if (input.details)
          await new OutcomeRepository(trx).saveWorkflow(
            id,
            { kind: 'bail-check', check: input.details },
            now,
          );
      }
    });
    try {
      await created;
    } catch (err) {
      if (idempotencyKey && isUniqueViolation(err)) return replay(); // the same press, a moment earlier
      throw err;
    }
    await this.audit.record({
      actor: officer,
      action: 'check.schedule',
      subject: { type: 'check-series', id: seriesId },
      detail: {
        phone: phone.masked,
        reference,
        count: windows.length,
        first: windows[0]!.notBefore,
        last: windows.at(-1)!.notAfter,
        textAt: input.textAt,
        sessions: ids,
      },
      ip,
    });
    if (input.textAt === 'now') await this.sendText(ids[0]!);
    return { seriesId, checks: await this.#repo.list({ createdBy: null, from: 0, ids }, this.clock.now()) };
  }

  async #series(seriesId: string): Promise<ScheduleChecksResponse> {
    const checks = await this.#repo.list({ createdBy: null, from: 0, seriesId }, this.clock.now());
    return { seriesId, checks };
  }

  /** Checks this officer scheduled, or everyone's for those allowed; the caller records the read. */
  async list(query: CheckListQuery, officer: Officer, seesAll: boolean): Promise<Check[]> {
    if (query.scope === 'all' && !seesAll)
      throw new DomainError('forbidden', 'only supervisors see every officer’s checks');
    const now = this.clock.now();
    const checks = await this.#repo.list(
      { createdBy: query.scope === 'all' ? null : officer.id, from: query.from ?? now - WEEK_MS },
      now,
    );
    return query.status ? checks.filter((c) => c.status === query.status) : checks;
  }

  /** Cancels a series' checks not yet joined (their texts never go, their links stop working). */
  async cancelSeries(
    seriesId: string,
    reason: string,
    officer: Officer,
    seesAll: boolean,
    ip: string | null,
  ): Promise<number> {
    const owner = await this.#repo.seriesOwner(seriesId);
    if (owner === null) throw new DomainError('not_found', 'no such series');
    if (owner !== officer.id && !seesAll)
      throw new DomainError(
        'forbidden',
        'only the officer who scheduled a series, or a supervisor, cancels it',
      );
    const now = this.clock.now();
    const cancelled: string[] = [];
    for (const { id } of await this.#repo.cancellable(seriesId, now)) {
      if (!(await this.#repo.markCancelled(id, now))) continue; // the subject joined meanwhile
      await this.sessions.end(id, 'check_cancelled', officer, ip);
      cancelled.push(id);
    }
    await this.audit.record({
      actor: officer,
      action: 'check.cancel',
      subject: { type: 'check-series', id: seriesId },
      detail: { reason, count: cancelled.length, sessions: cancelled },
      ip,
    });
    return cancelled.length;
  }

  /** Sends every text whose window has opened; run by each instance's sweep (claims make it once). */
  async sendDue(): Promise<number> {
    let sent = 0;
    for (const id of await this.#repo.dueTexts(this.clock.now())) {
      try {
        if (await this.sendText(id)) sent++;
      } catch (err) {
        this.log.error({ err, sessionId: id }, 'checks: sending a scheduled text failed');
      }
    }
    return sent;
  }

  /**
   * Claims one due text, makes its link and sends it; false if another instance had it. The
   * claim passes the same per-number and per-officer limits as any invite, under the same locks;
   * a text they refuse is recorded as failed with the reason (the officer sees it and may resend).
   */
  private async sendText(sessionId: string): Promise<boolean> {
    const token = this.random.secret(TOKEN_BYTES);
    const claimId = this.random.id();
    const key = this.random.id();
    const row = await withTransaction(this.db, async (trx) => {
      const s = await new SessionRepository(trx).byId(sessionId);
      if (!s) return null;
      await advisoryLock(trx, `sms:number:${s.phone_e164}`);
      await advisoryLock(trx, `sms:officer:${s.created_by}`);
      const now = this.clock.now();
      const refused = await limitRefusal(
        new InviteLimits(TextDeliveries.repo(trx), this.settings.limits),
        s.phone_e164,
        s.created_by,
        now,
      );
      if (!(await new CheckRepository(trx).claimText(sessionId, hashSecret(token)))) return null;
      const link = linkFor(token, s.language as Language, this.settings.publicUrl);
      const claim = {
        id: claimId,
        sessionId,
        key,
        attempt: 1,
        route: 'primary' as const,
        officerId: s.created_by,
      };
      await TextDeliveries.repo(trx).insert(this.deliveries.claimRow({ ...claim, link }));
      if (refused) await TextDeliveries.repo(trx).failed(claimId, refused, REFUSED, now);
      const officer = await trx
        .selectFrom('officers')
        .select('display_name')
        .where('id', '=', s.created_by)
        .executeTakeFirstOrThrow();
      return { s, link, officerName: officer.display_name, refused };
    });
    if (!row) return false;
    const { s, link, officerName, refused } = row;
    const detail = { phone: s.phone_masked, seriesId: s.series_id, gateway: this.deliveries.names.primary };
    const subject = { type: 'session', id: sessionId };
    if (refused) {
      await this.audit.record({
        actor: SYSTEM,
        action: 'check.text_refused',
        subject,
        detail: { ...detail, reason: refused },
        ip: null,
      });
      return true;
    }
    await this.audit.record({ actor: SYSTEM, action: 'check.text_claimed', subject, detail, ip: null });
    // A cancel may have come since the claim: its link is dead, so the text must not go.
    const current = await new SessionRepository(this.db).byId(sessionId);
    if (!current || current.cancelled_at !== null || current.state !== 'sent') {
      await TextDeliveries.repo(this.db).failed(
        claimId,
        'the check was cancelled before its text went',
        CANCELLED,
        this.clock.now(),
      );
      await this.audit.record({ actor: SYSTEM, action: 'check.text_withdrawn', subject, detail, ip: null });
      return true;
    }
    const body = this.settings.texts.render(s.language as Language, 'two-way', {
      agency: this.settings.agency,
      link,
    });
    const text = await this.deliveries.deliver({
      claimId,
      sessionId,
      key,
      attempt: 1,
      route: 'primary',
      officerId: s.created_by,
      officerName,
      message: { to: s.phone_e164, from: this.settings.senderId, body, sessionId, secret: link },
    });
    await this.audit.record({
      actor: SYSTEM,
      action: 'check.text_sent',
      subject,
      detail: { ...detail, gateway: text.gateway, status: text.status, reason: text.reason },
      ip: null,
    });
    await auditTextFailure(this.audit, sessionId, text, SYSTEM, null);
    return true;
  }
}

/** Refuses a series that would text more than `perHour` times within an hour (the limits would refuse them). */
function denseWindows(windows: readonly { notBefore: number }[], perHour: number): void {
  for (const w of windows) {
    const inHour = windows.filter((x) => x.notBefore >= w.notBefore && x.notBefore < w.notBefore + 3_600_000);
    if (inHour.length > perHour)
      throw new DomainError('bad_request', `at most ${perHour} checks can open within an hour`, {
        windows: `at most ${perHour} checks can open within an hour (the text limits)`,
      });
  }
}

/** A UUID (version 8: name-based, SHA-256) from a name, so a retried press names the same rows. */
function idFrom(name: string): string {
  const b = createHash('sha256').update(name).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** failure_kind of a scheduled text never handed to a gateway: refused by the limits, or cancelled. */
const REFUSED = 'refused';
const CANCELLED = 'cancelled';

/** The limits' refusal message, or null if one more text to this number by this officer is allowed. */
async function limitRefusal(
  limits: InviteLimits,
  e164: string,
  officerId: string,
  now: number,
): Promise<string | null> {
  try {
    await limits.check(e164, officerId, now);
    return null;
  } catch (err) {
    if (err instanceof DomainError) return err.message;
    throw err;
  }
}
