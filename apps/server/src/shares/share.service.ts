import {
  type FieldSession,
  type FieldShare,
  type LocationFix,
  type OfficerPosition,
  type OfficerRef,
  Role,
  type SessionSummary,
  SHARE_MAX_SECONDS,
  type Share,
  type ShareEndReason,
} from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { Random } from '../adapters/random.js';
import { type Actor, type AuditService, SYSTEM } from '../audit/audit.service.js';
import type { ReadAudit } from '../audit/read-audit.js';
import type { EventPublisher } from '../events/event-bus.js';
import { DomainError, notFound } from '../lib/errors.js';
import type { SessionService } from '../sessions/session.service.js';
import { PositionThrottle } from './position-throttle.js';
import type { NamedShareRow, PositionRow, ShareRepository, ShareRow } from './share.repository.js';

type OfficerActor = Extract<Actor, { type: 'officer' }>;

const FINAL_STATES: readonly string[] = ['ended', 'expired', 'refused'];

const shareEnded = (reason: string | null) =>
  new DomainError(
    'share_ended',
    reason === 'revoked'
      ? 'This share was revoked by the control room.'
      : reason === 'session-ended'
        ? 'The caller’s session has ended.'
        : 'This share has expired.',
  );

/**
 * Shares of a session with named field officers: the only way a field officer sees anything.
 * Every share is time-limited, revocable and audited (created, opened, used, revoked, expired);
 * ending one publishes `share.changed`, on which every instance closes the officer's views under
 * it at once. The officer's own position is kept only while the share lives.
 */
export class ShareService {
  readonly #throttle = new PositionThrottle();

  constructor(
    private readonly repo: ShareRepository,
    private readonly db: Db,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly reads: ReadAudit,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly events: EventPublisher,
    /** Shortest share allowed (SIGHTLINE_SHARE_MIN_SECONDS). */
    private readonly minSeconds: number,
  ) {}

  /** Enabled accounts holding the field-officer role, by name (whom a session can be shared with). */
  async fieldOfficers(): Promise<OfficerRef[]> {
    const rows = await this.db
      .selectFrom('officers')
      .select(['id', 'display_name', 'roles'])
      .where('disabled_at', 'is', null)
      .orderBy('display_name')
      .execute();
    return rows
      .filter((r) => Role.array().catch([]).parse(JSON.parse(r.roles)).includes('field-officer'))
      .map((r) => ({ id: r.id, name: r.display_name }));
  }

  /** Shares a live session with each named field officer for `durationSeconds`. */
  async create(
    sessionId: string,
    officerIds: string[],
    durationSeconds: number,
    by: OfficerActor,
    ip: string | null,
  ): Promise<Share[]> {
    if (durationSeconds < this.minSeconds || durationSeconds > SHARE_MAX_SECONDS) {
      throw new DomainError('bad_request', 'choose how long to share for', {
        durationSeconds: `between ${Math.round(this.minSeconds / 60)} minutes and 12 hours`,
      });
    }
    const session = await this.sessions.get(sessionId);
    if (FINAL_STATES.includes(session.state))
      throw new DomainError('session_ended', 'this session has ended: there is nothing to share');
    const eligible = new Set((await this.fieldOfficers()).map((o) => o.id));
    const ids = [...new Set(officerIds)];
    const wrong = ids.filter((id) => !eligible.has(id));
    if (wrong.length)
      throw new DomainError('bad_request', 'share only with enabled field officers', {
        officerIds: 'not a field officer',
      });
    const now = this.clock.now();
    const rows = ids.map((officerId) => ({
      id: this.random.id(),
      session_id: sessionId,
      incident_id: null,
      officer_id: officerId,
      created_by: by.id,
      created_at: now,
      expires_at: now + durationSeconds * 1000,
      opened_at: null,
      ended_at: null,
      end_reason: null,
      ended_by: null,
    }));
    await this.repo.insert(rows);
    for (const r of rows) {
      await this.audit.record({
        actor: by,
        action: 'share.created',
        subject: { type: 'share', id: r.id },
        detail: { sessionId, officerId: r.officer_id, expiresAt: r.expires_at, durationSeconds },
        ip,
      });
      this.events.publish('share.changed', {
        shareId: r.id,
        officerId: r.officer_id,
        sessionId,
        endReason: null,
      });
    }
    const created = await Promise.all(rows.map((r) => this.repo.byId(r.id)));
    return created.filter((r): r is NamedShareRow => !!r).map(toShare);
  }

  /** Every share of a session, newest first, as the control room lists them. */
  async forSession(sessionId: string): Promise<Share[]> {
    await this.sessions.get(sessionId);
    return (await this.repo.forSession(sessionId)).map((r) => toShare(r, this.clock.now()));
  }

  /** Revokes a share: the field officer's view closes at once, wherever they are connected. */
  async revoke(shareId: string, by: OfficerActor, ip: string | null): Promise<Share> {
    const row = await this.repo.byId(shareId);
    if (!row) throw notFound('share');
    if (row.ended_at === null && (await this.end(row, 'revoked', by, ip))) {
      const after = await this.repo.byId(shareId);
      if (after) return toShare(after);
    }
    if (row.ended_at === null && Number(row.expires_at) <= this.clock.now()) await this.expireDue();
    throw new DomainError('conflict', 'this share had already ended');
  }

  /** Marks shares past their time as expired (once in the cluster: the sweeper holds a lease). */
  async expireDue(): Promise<number> {
    let n = 0;
    for (const row of await this.repo.due(this.clock.now())) {
      if (await this.end(row, 'expired', SYSTEM, null)) n++;
    }
    return n;
  }

  /** The session ended: its shares end with it, and with them the officers' positions. */
  async endForSession(sessionId: string): Promise<void> {
    for (const row of await this.repo.openForSession(sessionId))
      await this.end(row, 'session-ended', SYSTEM, null);
  }

  /** The field officer's live shares (their /field list). */
  async mine(officer: OfficerActor, ip: string | null): Promise<FieldShare[]> {
    const rows = await this.repo.liveFor(officer.id, this.clock.now());
    const out: FieldShare[] = [];
    for (const r of rows) {
      if (!r.session_id) continue;
      const share = toFieldShare(r, await this.sessions.summary(r.session_id));
      // The list carries each caller's last position: a read of personal data, audited per share.
      await this.reads.record({
        actor: officer,
        action: 'share.listed',
        subject: { type: 'share', id: r.id },
        detail: { sessionId: r.session_id },
        ip,
      });
      out.push(share);
    }
    return out;
  }

  /** Opens one of the officer's shares (audited); refuses one that is not theirs or has ended. */
  async open(shareId: string, officer: OfficerActor, ip: string | null): Promise<FieldShare> {
    const row = await this.repo.byId(shareId);
    // Another officer's share is "not found": its existence is none of this officer's business.
    if (!row || row.officer_id !== officer.id || !row.session_id) throw notFound('share');
    if (row.ended_at !== null) throw shareEnded(row.end_reason);
    if (Number(row.expires_at) <= this.clock.now()) throw shareEnded('expired');
    if (await this.sessionOver(row.session_id)) {
      await this.end(row, 'session-ended', SYSTEM, null);
      throw shareEnded('session-ended');
    }
    const now = this.clock.now();
    const first = await this.repo.opened(row.id, now);
    // The first opening always; later ones as reads (coalesced like any other read).
    const entry = {
      actor: officer,
      action: 'share.opened',
      subject: { type: 'share', id: row.id },
      detail: { sessionId: row.session_id },
      ip,
    };
    if (first) {
      await this.audit.record(entry);
      // The control room's panel shows whether the officer has opened it.
      this.events.publish('share.changed', {
        shareId: row.id,
        officerId: row.officer_id,
        sessionId: row.session_id,
        endReason: null,
      });
    } else await this.reads.record(entry);
    return toFieldShare(row, await this.sessions.summary(row.session_id));
  }

  private async sessionOver(sessionId: string): Promise<boolean> {
    const state = (await this.sessions.summary(sessionId)).state;
    return state === 'ended' || state === 'expired';
  }

  /** Whether the officer holds a live share of the session now (no audit: nothing is read). */
  async holdsLive(officerId: string, sessionId: string): Promise<boolean> {
    return !!(await this.repo.liveForSession(officerId, sessionId, this.clock.now()));
  }

  /**
   * The officer's live share of a session, or null: what lets a field officer watch it and
   * see its video. Each use is audited (as a read: repeats within minutes are one entry).
   */
  async use(officer: OfficerActor, sessionId: string, ip: string | null): Promise<ShareRow | null> {
    const row = await this.repo.liveForSession(officer.id, sessionId, this.clock.now());
    if (!row) return null;
    // A share does not outlive its session, even if ending it with the session failed.
    if (await this.sessionOver(sessionId)) {
      await this.end(row, 'session-ended', SYSTEM, null);
      return null;
    }
    await this.reads.record({
      actor: officer,
      action: 'share.used',
      subject: { type: 'share', id: row.id },
      detail: { sessionId },
      ip,
    });
    return row;
  }

  /**
   * Takes a field officer's position under one of their live shares: false when throttled.
   * The first position of a share is audited (the officer's location is now shared).
   */
  async position(
    officer: OfficerActor,
    shareId: string,
    fix: LocationFix,
    ip: string | null,
  ): Promise<boolean> {
    const now = this.clock.now();
    const row = await this.repo.byId(shareId);
    if (!row || row.officer_id !== officer.id || !row.session_id) throw notFound('share');
    if (row.ended_at !== null || Number(row.expires_at) <= now) throw shareEnded(row.end_reason ?? 'expired');
    if (!this.#throttle.take(shareId, now)) return false;
    const first = await this.repo.savePosition({
      share_id: shareId,
      officer_id: officer.id,
      session_id: row.session_id,
      lat: fix.lat,
      lon: fix.lon,
      accuracy: fix.accuracy,
      heading: fix.heading,
      speed: fix.speed,
      fix_time: fix.fixTime,
      received_at: now,
    });
    if (first)
      await this.audit.record({
        actor: officer,
        action: 'officer.position.shared',
        subject: { type: 'share', id: shareId },
        detail: { sessionId: row.session_id },
        ip,
      });
    this.events.publish('officer.position', {
      sessionId: row.session_id,
      position: {
        officerId: officer.id,
        name: officer.name,
        shareId,
        lat: fix.lat,
        lon: fix.lon,
        accuracy: fix.accuracy,
        heading: fix.heading,
        speed: fix.speed,
        fixTime: fix.fixTime,
        receivedAt: now,
      },
    });
    return true;
  }

  /** How long a share has left, by the server's clock. */
  remainingMs(row: ShareRow): number {
    return Number(row.expires_at) - this.clock.now();
  }

  /** Field officers' newest positions under the session's live shares (for a console starting to watch). */
  async positions(sessionId: string): Promise<OfficerPosition[]> {
    return (await this.repo.positionsForSession(sessionId, this.clock.now())).map(toPosition);
  }

  private async end(row: ShareRow, reason: ShareEndReason, by: Actor, ip: string | null): Promise<boolean> {
    const now = this.clock.now();
    if (!(await this.repo.end(row.id, now, reason, by.type === 'officer' ? by.id : null))) return false;
    this.#throttle.forget(row.id);
    await this.audit.record({
      actor: by,
      action: reason === 'revoked' ? 'share.revoked' : 'share.expired',
      subject: { type: 'share', id: row.id },
      detail: { sessionId: row.session_id, officerId: row.officer_id, reason },
      ip,
    });
    this.events.publish('share.changed', {
      shareId: row.id,
      officerId: row.officer_id,
      sessionId: row.session_id,
      endReason: reason,
    });
    return true;
  }
}

/** A share row as the control room sees it; a share past its time reads as expired before the sweep marks it. */
export function toShare(r: NamedShareRow, now = Number.NEGATIVE_INFINITY): Share {
  const expiresAt = Number(r.expires_at);
  const overdue = r.ended_at === null && expiresAt <= now;
  return {
    id: r.id,
    sessionId: r.session_id,
    incidentId: r.incident_id,
    officer: { id: r.officer_id, name: r.officer_name },
    createdBy: { id: r.created_by, name: r.creator_name },
    createdAt: Number(r.created_at),
    expiresAt,
    openedAt: r.opened_at === null ? null : Number(r.opened_at),
    endedAt: overdue ? expiresAt : r.ended_at === null ? null : Number(r.ended_at),
    endReason: overdue ? 'expired' : (r.end_reason as ShareEndReason | null),
  };
}

/** What a field officer may see of a session (no phone number, code, chat or evidence). */
export function toFieldSession(s: SessionSummary): FieldSession {
  return {
    id: s.id,
    reference: s.reference,
    state: s.state,
    mode: s.mode,
    publishing: s.publishing,
    videoStoppedAt: s.videoStoppedAt,
    videoStopReason: s.videoStopReason,
    lastFix: s.lastFix,
  };
}

function toFieldShare(r: NamedShareRow, s: SessionSummary): FieldShare {
  return {
    id: r.id,
    sharedBy: { id: r.created_by, name: r.creator_name },
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    session: toFieldSession(s),
  };
}

function toPosition(p: PositionRow): OfficerPosition {
  return {
    officerId: p.officer_id,
    name: p.officer_name,
    shareId: p.share_id,
    lat: p.lat,
    lon: p.lon,
    accuracy: p.accuracy,
    heading: p.heading,
    speed: p.speed,
    fixTime: Number(p.fix_time),
    receivedAt: Number(p.received_at),
  };
}
