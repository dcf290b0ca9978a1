import type { SessionDetail, SessionState, SessionSummary, TimelineEvent } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import { hashSecret, type Random } from '../adapters/random.js';
import { type Actor, type AuditService, SYSTEM } from '../audit/audit.service.js';
import type { EventPublisher } from '../events/event-bus.js';
import { DomainError, notFound } from '../lib/errors.js';
import type { LocationService } from '../location/location.service.js';
import type { ShownText } from '../privacy/consent-text.service.js';
import { NO_WEBHOOKS, type WebhookOccurrence, type WebhookOutbox } from '../webhooks/webhook-outbox.js';
import { eventId } from './event-id.js';
import type { SessionRepository, SessionRow } from './session.repository.js';

const FINAL: readonly SessionState[] = ['ended', 'expired'];
const ACTIVE: readonly SessionState[] = ['sent', 'opened', 'consented', 'refused', 'live'];

/**
 * The lifecycle of one caller session: sent → opened → consented/refused → live → ended (or expired).
 * Publishes `session.updated` (summary), `session.event` (timeline) and `session.ended`, on
 * which media and evidence wrap up wherever they are.
 */
export class SessionService {
  constructor(
    private readonly repo: SessionRepository,
    private readonly location: LocationService,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly audit: AuditService,
    private readonly callerSessionMs: number,
    private readonly events: EventPublisher,
    /** Webhooks are written in the transaction of the state change that causes them. */
    private readonly webhooks: WebhookOutbox = NO_WEBHOOKS,
  ) {}

  async summary(id: string): Promise<SessionSummary> {
    const [s] = await this.repo.summaries({ ids: [id] });
    if (!s) throw notFound('session');
    return s;
  }

  /** Summaries of these sessions, in one query (an incident's callers). */
  summaries(ids: string[]): Promise<SessionSummary[]> {
    return this.repo.summaries({ ids });
  }

  list(limit = 100): Promise<SessionSummary[]> {
    return this.repo.summaries({ limit });
  }

  async detail(id: string): Promise<SessionDetail> {
    const session = await this.summary(id);
    const [timeline, track] = await Promise.all([this.repo.timeline(id), this.location.track(id)]);
    return { session, timeline, track };
  }

  /**
   * Opens a link. The first open claims the link for this device and returns a
   * fresh caller secret (set as a cookie); later opens succeed only with that
   * secret. Anything else — unknown, expired, ended, claimed by another device —
   * is one neutral error that says nothing about which it was.
   */
  async openLink(
    token: string,
    callerSecret: string | undefined,
    meta: { userAgent: string | null; ip: string | null },
  ): Promise<{ sessionId: string; newSecret: string | null; secretMaxAgeMs: number }> {
    const row = await this.repo.byTokenHash(hashSecret(token));
    const now = this.clock.now();
    if (!row) throw linkUnavailable();
    if (row.state === 'sent' && row.cancelled_at === null) {
      // A scheduled check's link before its window: said plainly, and not claimed (nothing can start).
      if (row.not_before !== null && now < Number(row.not_before)) throw notYetOpen(Number(row.not_before));
      if (Number(row.expires_at) <= now) {
        await this.expire(row.id);
        throw linkUnavailable();
      }
      const secret = this.random.secret(32);
      const secretMaxAgeMs = callerSecretMs(this.callerSessionMs, row.location_minutes);
      const claimed = await this.change(
        row.id,
        (repo) =>
          repo.transition(row.id, ['sent'], {
            state: 'opened',
            opened_at: now,
            caller_secret_hash: hashSecret(secret),
            caller_secret_expires_at: now + secretMaxAgeMs,
            caller_user_agent: meta.userAgent?.slice(0, 300) ?? null,
          }),
        { type: 'link.opened', actor: 'caller', detail: summariseUserAgent(meta.userAgent), at: now },
        { type: 'session.opened', sessionId: row.id, occurredAt: now, data: {} },
      );
      if (!claimed) throw linkUnavailable(); // another device won the race
      await this.audit.record({
        actor: { type: 'caller', sessionId: row.id },
        action: 'link.open',
        subject: { type: 'session', id: row.id },
        // Not the user-agent: the session row keeps it until disposal, and the trail cannot forget it.
        ip: meta.ip,
      });
      await this.announce(row.id);
      return { sessionId: row.id, newSecret: secret, secretMaxAgeMs };
    }
    if (callerSecret && this.ownsSession(row, callerSecret, now))
      return { sessionId: row.id, newSecret: null, secretMaxAgeMs: 0 };
    await this.audit.record({
      actor: SYSTEM,
      action: 'link.reuse_rejected',
      subject: { type: 'session', id: row.id },
      detail: { state: row.state },
      ip: meta.ip,
    });
    throw linkUnavailable();
  }

  /** The session a caller's device secret belongs to, or null. */
  async authenticateCaller(secret: string | undefined): Promise<SessionRow | null> {
    if (!secret || secret.length > 128) return null;
    const row = await this.repo.byCallerSecretHash(hashSecret(secret));
    return row && this.ownsSession(row, secret, this.clock.now()) ? row : null;
  }

  async get(id: string): Promise<SessionRow> {
    const row = await this.repo.byId(id);
    if (!row) throw notFound('session');
    return row;
  }

  /** Records the caller's decision, with the language and version of the words it was made on (null: not named). */
  async recordConsent(
    sessionId: string,
    decision: 'accepted' | 'refused',
    ip: string | null,
    shown: ShownText | null = null,
  ): Promise<void> {
    const now = this.clock.now();
    // A socket opened inside a check's window cannot consent after it closed.
    if (!withinWindow(await this.get(sessionId), now)) throw linkUnavailable();
    const text = { consent_language: shown?.language ?? null, consent_text_version: shown?.version ?? null };
    const ok = await this.change(
      sessionId,
      async (repo) => {
        if (decision === 'refused')
          return repo.transition(sessionId, ['opened'], { state: 'refused', refused_at: now, ...text });
        if (
          !(await repo.transition(sessionId, ['opened', 'refused'], {
            state: 'consented',
            consented_at: now,
            ...text,
          }))
        )
          return false;
        // A location-only link's time limit starts when sharing does.
        const row = await repo.byId(sessionId);
        if (row?.location_minutes)
          await repo.update(sessionId, { location_until: now + row.location_minutes * 60_000 });
        return true;
      },
      {
        type: `consent.${decision}`,
        actor: 'caller',
        detail: shown ? `language ${shown.language}, text ${shown.version}` : null,
        at: now,
      },
      {
        type: decision === 'accepted' ? 'session.consented' : 'session.refused',
        sessionId,
        occurredAt: now,
        data: {},
      },
    );
    if (!ok) {
      const row = await this.get(sessionId);
      if (FINAL.includes(row.state as SessionState))
        throw new DomainError('session_ended', 'this session has ended');
      throw new DomainError('already_decided', `consent was already recorded (${row.state})`);
    }
    await this.audit.record({
      actor: { type: 'caller', sessionId },
      action: `consent.${decision}`,
      subject: { type: 'session', id: sessionId },
      detail: { at: now, language: shown?.language ?? null, textVersion: shown?.version ?? null },
      ip,
    });
    await this.announce(sessionId);
  }

  /** Returns the session; throws unless the caller has consented and it is still running. */
  async requireConsented(sessionId: string): Promise<SessionRow> {
    const row = await this.get(sessionId);
    if (FINAL.includes(row.state as SessionState))
      throw new DomainError('session_ended', 'this session has ended');
    if (row.state !== 'consented' && row.state !== 'live') {
      throw new DomainError('consent_required', 'consent must be given before sharing starts');
    }
    return row;
  }

  /** A location-only link is live from its first fix (there is no media to wait for). */
  async locationSharing(sessionId: string): Promise<void> {
    const now = this.clock.now();
    await this.change(
      sessionId,
      (repo) => repo.transition(sessionId, ['consented'], { state: 'live', live_at: now }),
      { type: 'location.sharing', actor: 'caller', detail: null, at: now },
      { type: 'session.live', sessionId, occurredAt: now, data: { via: 'location' } },
      { publishAfter: () => this.announce(sessionId) },
    );
  }

  /** Media reached the server (first time: the session goes live) or stopped. */
  async setPublishing(sessionId: string, publishing: boolean, detail: string | null): Promise<void> {
    const now = this.clock.now();
    const before = await this.get(sessionId);
    if (publishing) {
      const back = { publishing: 1, video_stopped_at: null, video_stop_reason: null };
      // Going live, its timeline entry and its webhook commit together.
      const first = await this.change(
        sessionId,
        (repo) => repo.transition(sessionId, ['consented'], { state: 'live', live_at: now, ...back }),
        { type: 'media.published', actor: 'caller', detail, at: now },
        { type: 'session.live', sessionId, occurredAt: now, data: { via: 'media' } },
        // Consoles start their views on this update: send it before the timeline entry.
        { publishAfter: () => this.announce(sessionId) },
      );
      if (!first) {
        await this.repo.transition(sessionId, ['live'], back);
        await this.announce(sessionId);
        await this.addEvent(sessionId, 'media.published', 'caller', detail);
      }
      if (before.state === 'live' && before.video_stopped_at != null)
        await this.addEvent(sessionId, 'media.resumed', 'caller', stoppedFor(before, now));
      return;
    }
    // A live session's publisher gone without Stop (Janus hung up, replaced, closed after
    // the grace) is video that stopped: the console shows when, until it comes back.
    // Marked stopped only if still live and not already stopped, checked in the same statement.
    const stopped =
      before.state === 'live' &&
      before.video_stopped_at == null &&
      (await this.repo.transition(
        sessionId,
        ['live'],
        { publishing: 0, video_stopped_at: now, video_stop_reason: detail },
        { videoStopped: false },
      ));
    const changed =
      stopped || (await this.repo.transition(sessionId, [...ACTIVE, ...FINAL], { publishing: 0 }));
    if (changed)
      await this.addEvent(sessionId, stopped ? 'media.stopped' : 'media.unpublished', null, detail, now);
    await this.announce(sessionId);
  }

  /**
   * The caller's media stopped arriving while the connection still stands (Janus heard
   * nothing for its no-media time): say so at once, with the time, instead of LIVE.
   */
  async videoStopped(sessionId: string, reason: string): Promise<void> {
    const before = await this.get(sessionId);
    if (before.state !== 'live' || before.video_stopped_at != null) return;
    const now = this.clock.now();
    const ok = await this.repo.transition(
      sessionId,
      ['live'],
      { publishing: 0, video_stopped_at: now, video_stop_reason: reason },
      { videoStopped: false },
    );
    if (!ok) return;
    await this.announce(sessionId);
    await this.addEvent(sessionId, 'media.stopped', null, reason, now);
  }

  /** Media arrives again on the same connection (the phone's network came back). */
  async videoResumed(sessionId: string): Promise<void> {
    const before = await this.get(sessionId);
    if (before.state !== 'live' || before.video_stopped_at == null) return;
    const ok = await this.repo.transition(
      sessionId,
      ['live'],
      { publishing: 1, video_stopped_at: null, video_stop_reason: null },
      { videoStopped: true },
    );
    if (!ok) return;
    await this.announce(sessionId);
    await this.addEvent(sessionId, 'media.resumed', 'caller', stoppedFor(before, this.clock.now()));
  }

  /** Ends a session. Idempotent: ending an ended session returns it unchanged. */
  async end(
    sessionId: string,
    reason: string,
    actor: Actor,
    ip: string | null = null,
  ): Promise<SessionSummary> {
    const now = this.clock.now();
    const ok = await this.change(
      sessionId,
      (repo) =>
        repo.transition(sessionId, ACTIVE, {
          state: 'ended',
          ended_at: now,
          end_reason: reason,
          publishing: 0,
        }),
      { type: 'session.ended', actor: actorLabel(actor), detail: reason, at: now },
      { type: 'session.ended', sessionId, occurredAt: now, data: { reason } },
    );
    if (!ok) {
      await this.get(sessionId); // 404 if it never existed
      return this.summary(sessionId);
    }
    await this.audit.record({
      actor,
      action: 'session.end',
      subject: { type: 'session', id: sessionId },
      detail: { reason },
      ip,
    });
    const summary = await this.announce(sessionId);
    this.events.publish('session.ended', { sessionId, reason });
    return summary;
  }

  /** Expires unopened links past their time and ends location sharing past its limit. Run periodically. */
  async expireDue(): Promise<number> {
    const now = this.clock.now();
    const ids = await this.repo.dueForExpiry(now);
    for (const id of ids) await this.expire(id);
    for (const id of await this.repo.dueToStopSharing(now)) await this.end(id, 'time_limit', SYSTEM);
    return ids.length;
  }

  async addEvent(
    sessionId: string,
    type: string,
    actor: string | null,
    detail: string | null,
    at: number = this.clock.now(),
  ): Promise<TimelineEvent> {
    const event: TimelineEvent = { id: eventId(this.random), at, type, actor, detail };
    await this.repo.addEvent(sessionId, event);
    this.events.publish('session.event', { sessionId, event });
    return event;
  }

  /**
   * A state change, its timeline entry and the webhook it causes, in one transaction: all three
   * or none. `apply` must use the repository it is given (on SQLite the outer one would wait on
   * the transaction's connection). The entry is published once committed, after `publishAfter`.
   */
  private async change(
    sessionId: string,
    apply: (repo: SessionRepository) => Promise<boolean>,
    entry: Omit<TimelineEvent, 'id'>,
    webhook: WebhookOccurrence,
    o: { publishAfter?: () => Promise<unknown> } = {},
  ): Promise<boolean> {
    const event: TimelineEvent = { id: eventId(this.random), ...entry };
    const done = await this.repo.transaction(async (repo, trx) => {
      if (!(await apply(repo))) return false;
      await repo.addEvent(sessionId, event);
      await this.webhooks.record(trx, webhook);
      return true;
    });
    if (!done) return false;
    await o.publishAfter?.();
    this.events.publish('session.event', { sessionId, event });
    return true;
  }

  /** A link not opened in time; CAD hears it as `session.ended` with reason `expired`. */
  private async expire(id: string): Promise<void> {
    const now = this.clock.now();
    const expired = await this.change(
      id,
      (repo) => repo.transition(id, ['sent'], { state: 'expired' }),
      { type: 'link.expired', actor: null, detail: null, at: now },
      { type: 'session.ended', sessionId: id, occurredAt: now, data: { reason: 'expired' } },
    );
    if (!expired) return;
    await this.audit.record({ actor: SYSTEM, action: 'link.expire', subject: { type: 'session', id } });
    await this.announce(id);
  }

  /** Sends the current summary to listeners (consoles). */
  async announce(id: string): Promise<SessionSummary> {
    const summary = await this.summary(id);
    this.events.publish('session.updated', { session: summary });
    return summary;
  }

  private ownsSession(row: SessionRow, secret: string, now: number): boolean {
    return (
      row.caller_secret_hash !== null &&
      row.caller_secret_hash === hashSecret(secret) &&
      Number(row.caller_secret_expires_at ?? 0) > now &&
      withinWindow(row, now)
    );
  }
}

/** Time a caller reconnecting may still need after sharing starts, beyond a location window. */
const LOCATION_SECRET_GRACE_MS = 3_600_000;

/**
 * How long a caller's device credential lasts. A location-only link (a missing-person search
 * may run for many hours) keeps it for its whole window plus an hour to consent, or the phone's
 * first reconnect after CALLER_SESSION_HOURS would be refused and the tracking would stop.
 * Never shorter than the configured caller session, so no other mode changes.
 */
export function callerSecretMs(callerSessionMs: number, locationMinutes: number | null): number {
  if (!locationMinutes) return callerSessionMs;
  return Math.max(callerSessionMs, Number(locationMinutes) * 60_000 + LOCATION_SECRET_GRACE_MS);
}

function stoppedFor(row: SessionRow, now: number): string {
  return `after ${Math.round((now - Number(row.video_stopped_at)) / 1000)} s without video`;
}

/**
 * Whether a scheduled check's caller may act now: not before its window, and after it only if the
 * check already began (a call in progress at the window's end runs on). Other links: always.
 */
export function withinWindow(
  row: Pick<SessionRow, 'not_before' | 'expires_at' | 'consented_at' | 'cancelled_at'>,
  now: number,
): boolean {
  if (row.not_before === null) return true;
  // Cancelled before its subject joined (the session is ended a step later): never usable again.
  if (row.cancelled_at !== null) return false;
  if (now < Number(row.not_before)) return false;
  return now < Number(row.expires_at) || row.consented_at !== null;
}

function notYetOpen(opensAt: number): DomainError {
  return new DomainError('link_not_yet_open', 'this check has not opened yet', { opensAt: String(opensAt) });
}

function linkUnavailable(): DomainError {
  return new DomainError('link_unavailable', 'this link cannot be used');
}

function actorLabel(actor: Actor): string {
  return actor.type === 'officer'
    ? actor.name
    : actor.type === 'api-client'
      ? `${actor.name} (API)`
      : actor.type;
}

/** A short, non-identifying device summary for the timeline ("Chrome on Android"). */
export function summariseUserAgent(ua: string | null): string | null {
  if (!ua) return null;
  const os = /iPhone|iPad/.test(ua)
    ? 'iOS'
    : /Android/.test(ua)
      ? 'Android'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : 'unknown OS';
  const browser =
    /CriOS|Chrome\//.test(ua) && !/Edg\//.test(ua)
      ? 'Chrome'
      : /Edg\//.test(ua)
        ? 'Edge'
        : /FxiOS|Firefox\//.test(ua)
          ? 'Firefox'
          : /Safari\//.test(ua)
            ? 'Safari'
            : 'a browser';
  return `${browser} on ${os}`;
}
