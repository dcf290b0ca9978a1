import type {
  Check,
  CheckListQuery,
  Language,
  ScheduleChecksRequest,
  ScheduleChecksResponse,
} from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import { withTransaction } from '../adapters/db/transaction.js';
import { hashSecret, type Random } from '../adapters/random.js';
import { type Actor, type AuditService, SYSTEM } from '../audit/audit.service.js';
import { auditTextFailure, type InviteSettings, linkFor } from '../invites/invite.service.js';
import { parseMobileNumber } from '../invites/phone.js';
import { TextDeliveries } from '../invites/text-deliveries.js';
import { DomainError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { OutcomeRepository } from '../outcomes/outcome.repository.js';
import { SessionRepository, unopenedSession } from '../sessions/session.repository.js';
import type { SessionService } from '../sessions/session.service.js';
import { CheckRepository } from './check.repository.js';
import { checkWindows, expandRepeat } from './check-windows.js';

export type CheckSettings = Pick<
  InviteSettings,
  'publicUrl' | 'agency' | 'defaultRegion' | 'senderId' | 'texts'
> & {
  /** The zone a repeat rule's times are in (SIGHTLINE_CHECK_TIME_ZONE). */
  timeZone: string;
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

  /** Creates one check per window, in one transaction; texts go when each window opens (or now, for one). */
  async schedule(
    input: ScheduleChecksRequest,
    officer: Officer,
    ip: string | null,
  ): Promise<ScheduleChecksResponse> {
    const phone = parseMobileNumber(input.phone, this.settings.defaultRegion);
    const now = this.clock.now();
    const windows = checkWindows(input.windows ?? expandRepeat(input.repeat!, this.settings.timeZone), now);
    if (input.textAt === 'now' && windows.length > 1)
      throw new DomainError('bad_request', 'only a single check can be texted now', {
        textAt: 'a series is texted as each window opens',
      });
    const seriesId = this.random.id();
    const reference = input.reference?.trim() || null;
    const ids = windows.map(() => this.random.id());
    await withTransaction(this.db, async (trx) => {
      const repo = new SessionRepository(trx);
      // The scheduling officer's team, as for any invite (the take-up report is per team).
      const sender = await trx
        .selectFrom('officers')
        .select('team')
        .where('id', '=', officer.id)
        .executeTakeFirst();
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
            team: sender?.team ?? null,
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

  /** Claims one due text, makes its link and sends it; false if another instance had it. */
  private async sendText(sessionId: string): Promise<boolean> {
    const token = this.random.secret(TOKEN_BYTES);
    const claimId = this.random.id();
    const key = this.random.id();
    const row = await withTransaction(this.db, async (trx) => {
      if (!(await new CheckRepository(trx).claimText(sessionId, hashSecret(token)))) return null;
      const s = await new SessionRepository(trx).byId(sessionId);
      const link = linkFor(token, s!.language as Language, this.settings.publicUrl);
      await TextDeliveries.repo(trx).insert(
        this.deliveries.claimRow({
          id: claimId,
          sessionId,
          key,
          attempt: 1,
          route: 'primary',
          officerId: s!.created_by,
          link,
        }),
      );
      const officer = await trx
        .selectFrom('officers')
        .select('display_name')
        .where('id', '=', s!.created_by)
        .executeTakeFirstOrThrow();
      return { s: s!, link, officerName: officer.display_name };
    });
    if (!row) return false;
    const { s, link, officerName } = row;
    await this.audit.record({
      actor: SYSTEM,
      action: 'check.text_sent',
      subject: { type: 'session', id: sessionId },
      detail: { phone: s.phone_masked, seriesId: s.series_id, gateway: this.deliveries.names.primary },
      ip: null,
    });
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
    await auditTextFailure(this.audit, sessionId, text, SYSTEM, null);
    return true;
  }
}
