import type {
  CreateIncidentRequest,
  CreateInviteRequest,
  ExportJob,
  IncidentDetail,
  IncidentSummary,
  SessionSummary,
} from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Random } from '../adapters/random.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { ReadAudit } from '../audit/read-audit.js';
import type { EventPublisher } from '../events/event-bus.js';
import type { ExportService, IncidentFacts } from '../evidence/export/export.service.js';
import type { InviteService } from '../invites/invite.service.js';
import { DomainError, notFound } from '../lib/errors.js';
import type { SessionService } from '../sessions/session.service.js';
import type { IncidentRepository } from './incident.repository.js';

type Officer = Actor & { type: 'officer' };

/** What the incident service needs of the rest of the server (narrow, so tests can fake them). */
export interface IncidentDeps {
  repo: IncidentRepository;
  sessions: Pick<SessionService, 'get' | 'addEvent' | 'announce' | 'summaries'>;
  invites: Pick<InviteService, 'create'>;
  exports: Pick<ExportService, 'request'>;
  audit: Pick<AuditService, 'record'>;
  reads: Pick<ReadAudit, 'record'>;
  clock: Clock;
  random: Random;
  events: EventPublisher;
}

/** At most this many sessions in one incident: one page, one map, one export package. */
export const MAX_INCIDENT_SESSIONS = 50;

/**
 * Incidents: several callers' sessions seen together. A call handler creates one (with the
 * force's CAD reference, if any), adds sessions to it (moving them from another: a session is in
 * at most one), sends further links from it, and exports its evidence as one package. Every
 * change and every read of its callers' data is audited, and `incident.updated` tells every
 * console on every instance.
 */
export class IncidentService {
  constructor(private readonly d: IncidentDeps) {}

  async create(input: CreateIncidentRequest, officer: Officer, ip: string | null): Promise<IncidentSummary> {
    if (input.sessionId) await this.d.sessions.get(input.sessionId); // 404 before anything is written
    const id = this.d.random.id();
    const cadReference = input.cadReference?.trim() || null;
    await this.d.repo.insert({
      id,
      title: input.title.trim(),
      cad_reference: cadReference,
      created_by: officer.id,
      created_at: this.d.clock.now(),
      closed_at: null,
    });
    await this.d.audit.record({
      actor: officer,
      action: 'incident.create',
      subject: { type: 'incident', id },
      detail: { title: input.title.trim(), cadReference },
      ip,
    });
    if (input.sessionId) return this.addSession(id, input.sessionId, officer, ip);
    return this.announce(id);
  }

  /** Open incidents (or all, newest first), without personal data: titles, references, session ids. */
  list(opts: { open?: boolean; limit?: number } = {}): Promise<IncidentSummary[]> {
    return this.d.repo.summaries({ limit: opts.limit ?? 100, open: opts.open });
  }

  async summary(id: string): Promise<IncidentSummary> {
    const [s] = await this.d.repo.summaries({ ids: [id] });
    if (!s) throw notFound('incident');
    return s;
  }

  /**
   * The incident page's read model: each caller's session, label and trail, and one timeline
   * merged from all of them. A read of every caller's position: audited, per incident.
   */
  async detail(id: string, officer: Officer, ip: string | null): Promise<IncidentDetail> {
    const incident = await this.summary(id);
    const ids = incident.sessionIds;
    const [summaries, tracks, events] = await Promise.all([
      this.d.sessions.summaries(ids),
      this.d.repo.tracks(ids),
      this.d.repo.timelines(ids),
    ]);
    await this.d.reads.record({
      actor: officer,
      action: 'incident.read',
      subject: { type: 'incident', id },
      detail: { sessionIds: ids },
      ip,
    });
    // The page shows every caller's track and timeline: a read of each session, on its own trail.
    for (const sessionId of ids)
      await this.d.reads.record({
        actor: officer,
        action: 'incident.read',
        subject: { type: 'session', id: sessionId },
        detail: { incidentId: id },
        // Per incident: a session moved to another incident and read there within the coalescing
        // window must show that disclosure too, not only the first incident's.
        scope: id,
        ip,
      });
    const byId = new Map(summaries.map((s) => [s.id, s]));
    const labels = callerLabels(ids);
    return {
      incident,
      callers: ids
        .filter((sid) => byId.has(sid))
        .map((sid) => ({ label: labels.get(sid)!, session: byId.get(sid)!, track: tracks.get(sid) ?? [] })),
      timeline: events.map((e) => ({ ...e, label: labels.get(e.sessionId)! })),
    };
  }

  /** Adds a session to the incident, moving it out of another if it was in one. Idempotent. */
  async addSession(
    incidentId: string,
    sessionId: string,
    officer: Officer,
    ip: string | null,
  ): Promise<IncidentSummary> {
    const incident = await this.open(incidentId);
    await this.d.sessions.get(sessionId);
    for (;;) {
      const from = await this.d.repo.incidentOf(sessionId);
      if (from === incidentId) return this.summary(incidentId);
      if (incident.sessionIds.length >= MAX_INCIDENT_SESSIONS)
        throw new DomainError('conflict', `an incident holds at most ${MAX_INCIDENT_SESSIONS} sessions`);
      // Compare-and-set: if another officer moved it meanwhile, look again.
      if (!(await this.d.repo.move(sessionId, from ?? null, incidentId))) continue;
      await this.d.audit.record({
        actor: officer,
        action: from ? 'incident.session_move' : 'incident.session_add',
        subject: { type: 'session', id: sessionId },
        detail: { incidentId, from: from ?? null },
        ip,
      });
      await this.d.sessions.addEvent(sessionId, 'incident.joined', officer.name, incident.title);
      await this.d.sessions.announce(sessionId);
      if (from) await this.announce(from);
      return this.announce(incidentId);
    }
  }

  /** Takes a session out of whatever incident it is in. Idempotent. */
  async removeSession(sessionId: string, officer: Officer, ip: string | null): Promise<SessionSummary> {
    await this.d.sessions.get(sessionId);
    for (;;) {
      const from = await this.d.repo.incidentOf(sessionId);
      if (!from) return this.d.sessions.announce(sessionId);
      if (!(await this.d.repo.move(sessionId, from, null))) continue;
      await this.d.audit.record({
        actor: officer,
        action: 'incident.session_remove',
        subject: { type: 'session', id: sessionId },
        detail: { incidentId: from },
        ip,
      });
      await this.d.sessions.addEvent(sessionId, 'incident.left', officer.name, null);
      await this.announce(from);
      return this.d.sessions.announce(sessionId);
    }
  }

  /** Sends a caller a link from the incident: the existing invite, its session born in the incident. */
  async invite(
    incidentId: string,
    input: CreateInviteRequest,
    officer: Officer,
    ip: string | null,
    idempotencyKey: string | null,
  ): Promise<{ session: SessionSummary; link: string }> {
    const incident = await this.open(incidentId);
    if (incident.sessionIds.length >= MAX_INCIDENT_SESSIONS)
      throw new DomainError('conflict', `an incident holds at most ${MAX_INCIDENT_SESSIONS} sessions`);
    // A link sent from the incident carries its CAD reference unless the handler typed another.
    const reference = input.reference?.trim() || incident.cadReference || undefined;
    const result = await this.d.invites.create(
      { ...input, ...(reference ? { reference } : {}) },
      officer,
      ip,
      idempotencyKey,
      incidentId,
    );
    // A replayed press returns the first answer: its session is already in (and audited).
    if (!incident.sessionIds.includes(result.session.id)) {
      await this.d.audit.record({
        actor: officer,
        action: 'incident.session_add',
        subject: { type: 'session', id: result.session.id },
        detail: { incidentId, from: null, via: 'invite' },
        ip,
      });
      await this.announce(incidentId);
    }
    return result;
  }

  async close(id: string, officer: Officer, ip: string | null): Promise<IncidentSummary> {
    await this.summary(id);
    if (await this.d.repo.close(id, this.d.clock.now()))
      await this.d.audit.record({
        actor: officer,
        action: 'incident.close',
        subject: { type: 'incident', id },
        ip,
      });
    return this.announce(id);
  }

  /** One signed package with a folder per session, built by the existing export job. */
  async export(id: string, reason: string, officer: Officer, ip: string | null): Promise<ExportJob> {
    const incident = await this.summary(id);
    if (incident.sessionIds.length === 0)
      throw new DomainError('conflict', 'this incident has no sessions to export');
    const facts: IncidentFacts = {
      id,
      title: incident.title,
      cadReference: incident.cadReference,
      createdAt: new Date(incident.createdAt).toISOString(),
      createdBy: incident.createdBy.name,
      closedAt: incident.closedAt === null ? null : new Date(incident.closedAt).toISOString(),
    };
    const job = await this.d.exports.request(
      officer,
      { sessionIds: incident.sessionIds, reason, kind: 'full', incident: facts },
      ip,
    );
    await this.d.audit.record({
      actor: officer,
      action: 'incident.export',
      subject: { type: 'incident', id },
      detail: { jobId: job.id, sessionIds: incident.sessionIds, reason },
      ip,
    });
    return job;
  }

  private async open(id: string): Promise<IncidentSummary> {
    const incident = await this.summary(id);
    if (incident.closedAt !== null) throw new DomainError('conflict', 'this incident is closed');
    return incident;
  }

  private async announce(id: string): Promise<IncidentSummary> {
    const incident = await this.summary(id);
    this.d.events.publish('incident.updated', { incident });
    return incident;
  }
}

/** "Caller 1", "Caller 2"… by session order: the same label on the map, the tiles and the timeline. */
export function callerLabels(sessionIds: readonly string[]): Map<string, string> {
  return new Map(sessionIds.map((id, i) => [id, `Caller ${i + 1}`]));
}
