import {
  type FieldShare,
  type IncidentSummary,
  type LocationFix,
  type OfficerPosition,
  type OfficerRef,
  Role,
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
import type { NamedShareRow, ShareRepository, ShareRow } from './share.repository.js';
import { toFieldShare, toPosition, toShare } from './share-views.js';

export { toFieldSession, toShare } from './share-views.js';

/** What shares need of incidents: a session's incident now, and incidents' summaries (IncidentRepository). */
export interface IncidentLookup {
  incidentOf(sessionId: string): Promise<string | null | undefined>;
  summaries(filter: { ids: string[] }): Promise<IncidentSummary[]>;
}

/** What is shared: one session, or an incident (every session in it at the time of each use). */
export type ShareTarget = { sessionId: string } | { incidentId: string };

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
 * Shares of a session or of an incident with named field officers: the only way a field officer
 * sees anything. Every share is time-limited, revocable and audited (created, opened, used,
 * revoked, expired); ending one publishes `share.changed`, on which every instance closes the
 * officer's views under it at once. An incident share covers the sessions in the incident at
 * each use, so membership is checked every time, never copied. The officer's own position is
 * kept only while the share lives.
 */
export class ShareService {
  readonly #throttle = new PositionThrottle();

  constructor(
    private readonly repo: ShareRepository,
    private readonly db: Db,
    private readonly sessions: SessionService,
    private readonly incidents: IncidentLookup,
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

  /** Shares a live session, or an open incident, with each named field officer for `durationSeconds`. */
  async create(
    target: ShareTarget,
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
    const sessionId = 'sessionId' in target ? target.sessionId : null;
    const incidentId = 'incidentId' in target ? target.incidentId : null;
    if (sessionId) {
      const session = await this.sessions.get(sessionId);
      if (FINAL_STATES.includes(session.state))
        throw new DomainError('session_ended', 'this session has ended: there is nothing to share');
    } else if (incidentId) {
      const incident = await this.incident(incidentId);
      if (incident.closedAt !== null)
        throw new DomainError('conflict', 'this incident is closed: there is nothing to share');
    }
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
      incident_id: incidentId,
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
        detail: { ...target, officerId: r.officer_id, expiresAt: r.expires_at, durationSeconds },
        ip,
      });
      this.events.publish('share.changed', {
        shareId: r.id,
        officerId: r.officer_id,
        sessionId,
        incidentId,
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

  /** Every share of an incident, newest first. */
  async forIncident(incidentId: string): Promise<Share[]> {
    await this.incident(incidentId);
    return (await this.repo.forIncident(incidentId)).map((r) => toShare(r, this.clock.now()));
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
      const view = await this.fieldView(r).catch(() => null);
      if (!view) continue;
      // The list carries each caller's last position: a read of personal data, audited per share.
      await this.reads.record({
        actor: officer,
        action: 'share.listed',
        subject: { type: 'share', id: r.id },
        detail: { sessionId: r.session_id, incidentId: r.incident_id },
        ip,
      });
      out.push(view);
    }
    return out;
  }

  /** What the officer sees of a share: its session, or its incident with the callers in it now. */
  private async fieldView(r: NamedShareRow): Promise<FieldShare> {
    if (r.session_id) return toFieldShare(r, { session: await this.sessions.summary(r.session_id) });
    const incident = await this.incident(r.incident_id ?? '');
    return toFieldShare(r, { incident, sessions: await this.sessions.summaries(incident.sessionIds) });
  }

  private async incident(id: string): Promise<IncidentSummary> {
    const [incident] = await this.incidents.summaries({ ids: [id] });
    if (!incident) throw notFound('incident');
    return incident;
  }

  /** Opens one of the officer's shares (audited); refuses one that is not theirs or has ended. */
  async open(shareId: string, officer: OfficerActor, ip: string | null): Promise<FieldShare> {
    const row = await this.repo.byId(shareId);
    // Another officer's share is "not found": its existence is none of this officer's business.
    if (!row || row.officer_id !== officer.id) throw notFound('share');
    if (row.ended_at !== null) throw shareEnded(row.end_reason);
    if (Number(row.expires_at) <= this.clock.now()) throw shareEnded('expired');
    if (row.session_id && (await this.sessionOver(row.session_id))) {
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
      detail: row.session_id ? { sessionId: row.session_id } : { incidentId: row.incident_id },
      ip,
    };
    if (first) {
      await this.audit.record(entry);
      // The control room's panel shows whether the officer has opened it.
      this.events.publish('share.changed', {
        shareId: row.id,
        officerId: row.officer_id,
        sessionId: row.session_id,
        incidentId: row.incident_id,
        endReason: null,
      });
    } else await this.reads.record(entry);
    return this.fieldView(row);
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
   * The officer's live share of a session, or of the incident the session is in now, or null:
   * what lets a field officer watch it and see its video. Membership is read at every use, so a
   * session added later is covered and one taken out is not. Each use is audited per session
   * (as a read: repeats within minutes are one entry).
   */
  async use(officer: OfficerActor, sessionId: string, ip: string | null): Promise<ShareRow | null> {
    const now = this.clock.now();
    let row = await this.repo.liveForSession(officer.id, sessionId, now);
    if (!row) {
      const incidentId = await this.incidents.incidentOf(sessionId);
      if (incidentId) row = await this.repo.liveForIncident(officer.id, incidentId, now);
    }
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
      detail: row.incident_id ? { sessionId, incidentId: row.incident_id } : { sessionId },
      ip,
      // One entry per session used, as if each had been shared on its own.
      scope: sessionId,
    });
    return row;
  }

  /** Live shares of an incident (each instance tells their officers' phones when it changes). */
  liveOfIncident(incidentId: string): Promise<ShareRow[]> {
    return this.repo.liveOfIncident(incidentId, this.clock.now());
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
    if (!row || row.officer_id !== officer.id) throw notFound('share');
    if (row.ended_at !== null || Number(row.expires_at) <= now) throw shareEnded(row.end_reason ?? 'expired');
    if (!this.#throttle.take(shareId, now)) return false;
    // Under an incident share the position goes to every session of the incident now.
    const sessionIds = row.session_id
      ? [row.session_id]
      : (await this.incident(row.incident_id ?? '')).sessionIds;
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
        detail: row.session_id ? { sessionId: row.session_id } : { incidentId: row.incident_id },
        ip,
      });
    const position: OfficerPosition = {
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
    };
    for (const sessionId of sessionIds) this.events.publish('officer.position', { sessionId, position });
    return true;
  }

  /** How long a share has left, by the server's clock. */
  remainingMs(row: ShareRow): number {
    return Number(row.expires_at) - this.clock.now();
  }

  /** Field officers' newest positions under the session's live shares (for a console starting to watch). */
  async positions(sessionId: string): Promise<OfficerPosition[]> {
    const incidentId = (await this.incidents.incidentOf(sessionId)) ?? null;
    return (await this.repo.positionsForSession(sessionId, incidentId, this.clock.now())).map(toPosition);
  }

  private async end(row: ShareRow, reason: ShareEndReason, by: Actor, ip: string | null): Promise<boolean> {
    const now = this.clock.now();
    if (!(await this.repo.end(row.id, now, reason, by.type === 'officer' ? by.id : null))) return false;
    this.#throttle.forget(row.id);
    await this.audit.record({
      actor: by,
      action: reason === 'revoked' ? 'share.revoked' : 'share.expired',
      subject: { type: 'share', id: row.id },
      detail: {
        ...(row.session_id ? { sessionId: row.session_id } : { incidentId: row.incident_id }),
        officerId: row.officer_id,
        reason,
      },
      ip,
    });
    this.events.publish('share.changed', {
      shareId: row.id,
      officerId: row.officer_id,
      sessionId: row.session_id,
      incidentId: row.incident_id,
      endReason: reason,
    });
    return true;
  }
}
