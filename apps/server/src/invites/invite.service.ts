import type {
  CreateInviteRequest,
  Language,
  SessionMode,
  SessionSummary,
  TextDelivery,
  TextRoute,
} from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import { isUniqueViolation } from '../adapters/db/errors.js';
import { advisoryLock, withTransaction } from '../adapters/db/transaction.js';
import { hashSecret, type Random } from '../adapters/random.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { DomainError } from '../lib/errors.js';
import { OutcomeRepository } from '../outcomes/outcome.repository.js';
import { SessionRepository, senderTeam, unopenedSession } from '../sessions/session.repository.js';
import type { SessionService } from '../sessions/session.service.js';
import { type InviteLimitSettings, InviteLimits } from './invite-limits.js';
import { parseMobileNumber } from './phone.js';
import type { DeliveryRow } from './sms-delivery.repository.js';
import type { SmsTexts } from './sms-text.js';
import { TextDeliveries } from './text-deliveries.js';

export interface InviteSettings {
  publicUrl: URL;
  /** The configured force name; null: the text's language says "the police" its own way. */
  agency: string | null;
  ttlMs: number;
  /** The range an officer may choose a link's validity in (SIGHTLINE_INVITE_TTL_MIN/MAX_MINUTES). */
  ttlBoundsMs: { min: number; max: number };
  defaultRegion: string;
  senderId: string;
  texts: SmsTexts;
  /** A missing-person search's longest location window (SIGHTLINE_MISSING_PERSON_MAX_HOURS). */
  missingPersonMaxMs: number;
}

type Officer = Actor & { type: 'officer' };

/** 256 bits: far beyond guessing, and still a short link. */
const TOKEN_BYTES = 32;

/**
 * Creates a session for a caller's number and texts them a single-use link; sends it again on
 * request. Each press of Send carries an idempotency key: one text per key, whichever instance
 * the request (or its retry) reaches, and a repeat gets the first answer.
 */
export class InviteService {
  constructor(
    private readonly db: Db,
    private readonly sessions: SessionService,
    private readonly deliveries: TextDeliveries,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly audit: AuditService,
    private readonly settings: InviteSettings,
    private readonly limits: InviteLimitSettings,
  ) {}

  /** Checking a limit and claiming the press happen one at a time here; the transaction does so across instances. */
  #gate: Promise<unknown> = Promise.resolve();

  /**
   * Returns the new session and its link. The link is shown to this officer and never stored in
   * clear (the session keeps its token's SHA-256; the texts table a sealed copy for resends).
   * Refused (429) past the limits. A text that fails leaves the session open for a resend.
   */
  async create(
    input: CreateInviteRequest,
    officer: Officer,
    ip: string | null,
    idempotencyKey: string | null = null,
    /** The incident the new session is born in (a further link sent from an incident). */
    incidentId: string | null = null,
    /** Who asked, for the audit trail: the officer, or a machine client (a CAD) acting for them. */
    by: Actor = officer,
    /** Further writes that stand or fall with the new session (a machine client's claim on it). */
    alongside?: (trx: Db, sessionId: string) => Promise<void>,
  ): Promise<{ session: SessionSummary; link: string }> {
    const key = idempotencyKey ?? this.random.id();
    const earlier = await this.replay(key, officer);
    const phone = parseMobileNumber(input.phone, this.settings.defaultRegion);
    const maxMinutes = Math.floor(this.settings.missingPersonMaxMs / 60_000);
    if (input.workflow?.kind === 'missing-person' && input.locationMinutes > maxMinutes)
      throw new DomainError('bad_request', `a missing-person search runs at most ${maxMinutes} minutes`, {
        locationMinutes: `at most ${maxMinutes} minutes (${maxMinutes / 60} hours) here`,
      });
    const ttlMs = this.validity(input.validMinutes);
    if (earlier) return this.replayedInvite(earlier, phone.e164);
    const id = this.random.id();
    const claimId = this.random.id();
    const token = this.random.secret(TOKEN_BYTES);
    const reference = input.reference?.trim() || null;
    const link = linkFor(token, input.language, this.settings.publicUrl);
    const claimed = await this.#admit(phone.e164, phone.masked, officer, by, ip, async (trx) => {
      const now = this.clock.now();
      const team = await senderTeam(trx, officer.id);
      await new SessionRepository(trx).insert(
        unopenedSession({
          id,
          reference,
          phone_e164: phone.e164,
          phone_masked: phone.masked,
          created_by: officer.id,
          created_at: now,
          expires_at: now + ttlMs,
          token_hash: hashSecret(token),
          mode: input.mode,
          language: input.language,
          location_minutes: input.mode === 'location' ? input.locationMinutes : null,
          incident_id: incidentId,
          team,
        }),
      );
      if (input.workflow) await new OutcomeRepository(trx).saveWorkflow(id, input.workflow, now);
      await TextDeliveries.repo(trx).insert(
        this.deliveries.claimRow({
          id: claimId,
          sessionId: id,
          key,
          attempt: 1,
          route: 'primary',
          officerId: officer.id,
          link,
        }),
      );
      await alongside?.(trx, id);
    });
    if (!claimed) return this.replayedInvite((await this.replay(key, officer))!, phone.e164);
    await this.audit.record({
      actor: by,
      action: 'invite.create',
      subject: { type: 'session', id },
      detail: {
        phone: phone.masked,
        reference,
        gateway: this.deliveries.names.primary,
        mode: input.mode,
        language: input.language,
        ...(incidentId ? { incidentId } : {}),
        workflow: input.workflow?.kind ?? null,
        validMinutes: ttlMs / 60_000,
        ...(by === officer ? {} : { callHandler: { id: officer.id, name: officer.name } }),
      },
      ip,
    });
    const body = this.settings.texts.render(input.language, input.mode, {
      agency: this.settings.agency,
      link,
    });
    const text = await this.deliveries.deliver({
      claimId,
      sessionId: id,
      key,
      attempt: 1,
      route: 'primary',
      officerId: officer.id,
      officerName: officer.name,
      message: { to: phone.e164, from: this.settings.senderId, body, sessionId: id, secret: link },
    });
    await this.#auditFailure(id, text, by, ip);
    return { session: await this.sessions.summary(id), link };
  }

  /** How long this link stays usable: the officer's choice within the configured range, or the default. */
  validity(validMinutes: number | undefined): number {
    if (validMinutes === undefined) return this.settings.ttlMs;
    const { min, max } = this.settings.ttlBoundsMs;
    const ms = validMinutes * 60_000;
    if (ms < min || ms > max)
      throw new DomainError('bad_request', `a link is valid for ${min / 60_000} to ${max / 60_000} minutes`, {
        validMinutes: `between ${min / 60_000} and ${max / 60_000} minutes`,
      });
    return ms;
  }

  /**
   * Texts the same link again, by the configured gateway or the fallback. Only while the link is
   * unopened and unexpired (it is single-use; afterwards a new link is what the caller needs).
   * Counts against the number's limit like any text.
   */
  async resend(
    sessionId: string,
    route: TextRoute,
    officer: Officer,
    ip: string | null,
    idempotencyKey: string | null,
  ): Promise<{ session: SessionSummary; text: TextDelivery }> {
    const key = idempotencyKey ?? this.random.id();
    const earlier = await this.replay(key, officer);
    if (earlier) {
      if (earlier[0]!.session_id !== sessionId) throw replayConflict();
      return { session: await this.sessions.summary(sessionId), text: (await this.textsOf(earlier)).at(-1)! };
    }
    const row = await this.sessions.get(sessionId);
    if (row.state !== 'sent' || Number(row.expires_at) <= this.clock.now())
      throw new DomainError(
        'conflict',
        row.state === 'sent' || row.state === 'expired'
          ? 'The link has expired. Send the caller a new link.'
          : 'The caller has already opened the link; it works only once. Send a new link if they need one.',
      );
    if (!this.deliveries.gateway(route))
      throw new DomainError(
        'bad_request',
        'No second text route is configured (SIGHTLINE_SMS_FALLBACK_GATEWAY).',
      );
    const link = await this.deliveries.link(sessionId);
    if (!link)
      throw new DomainError('conflict', 'The link is no longer held here. Send the caller a new link.');
    const claimId = this.random.id();
    let attempt = 0;
    const claimed = await this.#admit(row.phone_e164, row.phone_masked, officer, officer, ip, async (trx) => {
      const texts = TextDeliveries.repo(trx);
      attempt = await texts.nextAttempt(sessionId);
      await texts.insert(
        this.deliveries.claimRow({
          id: claimId,
          sessionId,
          key,
          attempt,
          route,
          officerId: officer.id,
          link,
        }),
      );
    });
    if (!claimed) return this.resend(sessionId, route, officer, ip, key);
    const gateway = this.deliveries.gateway(route)!.name;
    await this.audit.record({
      actor: officer,
      action: 'invite.resend',
      subject: { type: 'session', id: sessionId },
      detail: { phone: row.phone_masked, gateway, attempt },
      ip,
    });
    const body = this.settings.texts.render(row.language as Language, row.mode as SessionMode, {
      agency: this.settings.agency,
      link,
    });
    const text = await this.deliveries.deliver({
      claimId,
      sessionId,
      key,
      attempt,
      route,
      officerId: officer.id,
      officerName: officer.name,
      message: { to: row.phone_e164, from: this.settings.senderId, body, sessionId, secret: link },
    });
    await this.#auditFailure(sessionId, text, officer, ip);
    return { session: await this.sessions.summary(sessionId), text };
  }

  /**
   * Runs `insert` after the limits pass, in one transaction holding the number's and the
   * officer's locks, so neither a burst nor two instances overshoot. False if the press's key
   * was claimed meanwhile (a retry of the same press): nothing was written.
   */
  async #admit(
    e164: string,
    masked: string,
    officer: Officer,
    by: Actor,
    ip: string | null,
    insert: (trx: Db) => Promise<void>,
  ): Promise<boolean> {
    const admitted = this.#gate.then(() =>
      withTransaction(this.db, async (trx) => {
        await advisoryLock(trx, `sms:number:${e164}`);
        await advisoryLock(trx, `sms:officer:${officer.id}`);
        try {
          await new InviteLimits(TextDeliveries.repo(trx), this.limits).check(
            e164,
            officer.id,
            this.clock.now(),
          );
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          return err;
        }
        await insert(trx);
        return null;
      }),
    );
    this.#gate = admitted.catch(() => {});
    let refused: DomainError | null;
    try {
      refused = await admitted;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
    if (refused) {
      // Recorded outside the transaction: the refusal stands even though nothing was written.
      await this.audit.record({
        actor: by,
        action: 'invite.refused',
        detail: { phone: masked, reason: refused.message },
        ip,
      });
      throw refused;
    }
    return true;
  }

  #auditFailure(sessionId: string, text: TextDelivery, by: Actor, ip: string | null) {
    return auditTextFailure(this.audit, sessionId, text, by, ip);
  }

  /** The rows of a press already handled under `key`; refused if another officer's. */
  private async replay(key: string, officer: Officer): Promise<DeliveryRow[] | null> {
    const rows = await this.deliveries.byKey(key);
    if (rows.length === 0) return null;
    if (rows[0]!.officer_id !== officer.id) throw replayConflict();
    return rows;
  }

  /** The first answer to a repeated press; a key reused for another number is refused, not replayed. */
  private async replayedInvite(
    rows: DeliveryRow[],
    e164: string,
  ): Promise<{ session: SessionSummary; link: string }> {
    const first = rows[0]!;
    if (first.attempt !== 1 || (await this.sessions.get(first.session_id)).phone_e164 !== e164)
      throw replayConflict();
    const link = await this.deliveries.link(first.session_id);
    if (!link)
      throw new DomainError(
        'conflict',
        'This link was already sent, and has been opened or has expired since. See the session list.',
      );
    return { session: await this.sessions.summary(first.session_id), link };
  }

  private async textsOf(rows: DeliveryRow[]): Promise<TextDelivery[]> {
    const all = (await this.deliveries.list(rows[0]!.session_id)).texts;
    const ids = new Set(rows.map((r) => r.id));
    return all.filter((t) => ids.has(t.id));
  }
}

/** A text that could not be sent is on the record with its reason (the session stays open for a resend). */
export async function auditTextFailure(
  audit: AuditService,
  sessionId: string,
  text: TextDelivery,
  by: Actor,
  ip: string | null,
): Promise<void> {
  if (text.status !== 'failed') return;
  await audit.record({
    actor: by,
    action: 'invite.text_failed',
    subject: { type: 'session', id: sessionId },
    detail: { gateway: text.gateway, attempt: text.attempt, reason: text.reason, uncertain: text.uncertain },
    ip,
  });
}

/** The caller's link for a token; the page needs the language before it can ask the server anything. */
export function linkFor(token: string, language: Language, publicUrl: URL): string {
  return new URL(`/j/${token}${language === 'en' ? '' : `?l=${language}`}`, publicUrl).toString();
}

const replayConflict = () =>
  new DomainError('conflict', 'This request key was already used for something else; reload and try again.');
