import { randomInt } from 'node:crypto';
import type { CreateInviteRequest, SessionSummary } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import { hashSecret, type Random } from '../adapters/random.js';
import type { SmsGateway } from '../adapters/sms/sms-gateway.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { Logger } from '../lib/logger.js';
import type { SessionRepository } from '../sessions/session.repository.js';
import type { SessionService } from '../sessions/session.service.js';
import type { InviteLimits } from './invite-limits.js';
import { parseMobileNumber } from './phone.js';
import type { SmsTexts } from './sms-text.js';

export interface InviteSettings {
  publicUrl: URL;
  /** The configured force name; null: the text's language says "the police" its own way. */
  agency: string | null;
  ttlMs: number;
  defaultRegion: string;
  senderId: string;
  texts: SmsTexts;
}

/** 256 bits: far beyond guessing, and still a short link. */
const TOKEN_BYTES = 32;

/** Creates a session for a caller's number and texts them a single-use link. */
export class InviteService {
  constructor(
    private readonly repo: SessionRepository,
    private readonly sessions: SessionService,
    private readonly sms: SmsGateway,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly audit: AuditService,
    private readonly settings: InviteSettings,
    private readonly limits: InviteLimits,
    private readonly log: Logger,
  ) {}

  /** Checking a limit and inserting the invite happen one at a time, so a burst cannot overshoot. */
  #gate: Promise<unknown> = Promise.resolve();

  /**
   * Returns the new session and its link. The link is shown once to this officer and never
   * stored in clear (the session keeps its token's SHA-256). Refused (429) past the invite limits.
   */
  async create(
    input: CreateInviteRequest,
    officer: Actor & { type: 'officer' },
    ip: string | null,
  ): Promise<{ session: SessionSummary; link: string }> {
    const phone = parseMobileNumber(input.phone, this.settings.defaultRegion);
    const id = this.random.id();
    const token = this.random.secret(TOKEN_BYTES);
    const reference = input.reference?.trim() || null;
    // Four digits read aloud by the call handler: the caller sees the same on the genuine page.
    const verificationCode = String(randomInt(0, 10_000)).padStart(4, '0');
    const admitted = this.#gate.then(async () => {
      const now = this.clock.now();
      try {
        await this.limits.check(phone.e164, officer.id, now);
      } catch (err) {
        await this.audit.record({
          actor: officer,
          action: 'invite.refused',
          detail: { phone: phone.masked, reason: err instanceof Error ? err.message : String(err) },
          ip,
        });
        throw err;
      }
      await this.repo.insert({
        id,
        reference,
        phone_e164: phone.e164,
        phone_masked: phone.masked,
        state: 'sent',
        created_by: officer.id,
        created_at: now,
        expires_at: now + this.settings.ttlMs,
        token_hash: hashSecret(token),
        caller_secret_hash: null,
        caller_secret_expires_at: null,
        opened_at: null,
        consented_at: null,
        refused_at: null,
        live_at: null,
        ended_at: null,
        end_reason: null,
        caller_user_agent: null,
        publishing: 0,
        mode: input.mode,
        language: input.language,
        verification_code: verificationCode,
        location_minutes: input.mode === 'location' ? input.locationMinutes : null,
      });
    });
    this.#gate = admitted.catch(() => {});
    await admitted;
    await this.audit.record({
      actor: officer,
      action: 'invite.create',
      subject: { type: 'session', id },
      detail: {
        phone: phone.masked,
        reference,
        gateway: this.sms.name,
        mode: input.mode,
        language: input.language,
      },
      ip,
    });
    // The page needs the language before it can ask the server anything (even to say a link is bad).
    const link = new URL(
      `/j/${token}${input.language === 'en' ? '' : `?l=${input.language}`}`,
      this.settings.publicUrl,
    ).toString();
    try {
      const body = this.settings.texts.render(input.language, input.mode, {
        agency: this.settings.agency,
        link,
      });
      const { providerRef } = await this.sms.send({
        to: phone.e164,
        from: this.settings.senderId,
        body,
        sessionId: id,
        secret: link,
      });
      await this.sessions.addEvent(id, 'invite.sent', officer.name, `${this.sms.name} ${providerRef}`);
    } catch (err) {
      this.log.error({ err, sessionId: id }, 'sms: sending the invite failed');
      await this.sessions.addEvent(id, 'invite.failed', null, 'the text message could not be sent');
      return { session: await this.sessions.end(id, 'sms_failed', officer, ip), link };
    }
    return { session: await this.sessions.announce(id), link };
  }
}
