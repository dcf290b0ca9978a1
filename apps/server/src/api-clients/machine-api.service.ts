import type {
  ApiEndSessionResult,
  ApiEvidence,
  ApiIncident,
  ApiInviteRequest,
  ApiSession,
  ApiSessionDetail,
  EvidenceItem,
  Role,
  SessionSummary,
} from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { ReadAudit } from '../audit/read-audit.js';
import { can } from '../auth/permissions.js';
import type { EvidenceService } from '../evidence/evidence.service.js';
import type { IncidentService } from '../incidents/incident.service.js';
import type { InviteService } from '../invites/invite.service.js';
import { DomainError, notFound } from '../lib/errors.js';
import type { OfficerService } from '../officers/officer.service.js';
import type { SessionService } from '../sessions/session.service.js';
import { ApiClientRepository } from './api-client.repository.js';
import { type ApiPrincipal, clientActor } from './api-client.service.js';

export interface MachineApiDeps {
  repo: ApiClientRepository;
  officers: Pick<OfficerService, 'findByUsername'>;
  invites: Pick<InviteService, 'create'>;
  sessions: Pick<SessionService, 'summary' | 'summaries' | 'end'>;
  evidence: Pick<EvidenceService, 'list'>;
  incidents: Pick<IncidentService, 'summary'>;
  reads: Pick<ReadAudit, 'record'>;
  clock: Clock;
}

/**
 * What a machine client (a CAD) does through /api/v1, on the same services as the console. A
 * client sees the sessions it created, or every session with `sessions:all`; anything else is
 * "not found" (it learns nothing of sessions outside its reach). Changes are audited by the
 * services under the client's identity; reads of location and evidence are audited reads.
 */
export class MachineApiService {
  constructor(private readonly d: MachineApiDeps) {}

  /** Texts a caller a link for the named call handler; one text per idempotency key. */
  async invite(
    client: ApiPrincipal,
    input: ApiInviteRequest,
    ip: string | null,
    idempotencyKey: string | null,
  ): Promise<{ session: ApiSession }> {
    const { callHandler, ...invite } = input;
    const row = await this.d.officers.findByUsername(callHandler);
    const roles = row ? (JSON.parse(row.roles) as Role[]) : [];
    if (!row || row.disabled_at !== null || !can(roles, 'session:create'))
      throw new DomainError('bad_request', 'callHandler: no active officer by that username may send links', {
        callHandler: 'no active officer by that username may send links',
      });
    const officer = { type: 'officer' as const, id: row.id, name: row.display_name };
    const { session } = await this.d.invites.create(
      invite,
      officer,
      ip,
      // Keys are the client's own: two clients choosing the same key never share an answer.
      idempotencyKey ? `api:${client.id}:${idempotencyKey}` : null,
      null,
      clientActor(client),
      // In the invite's transaction: no text goes out for a session its client could not reach.
      (trx, sessionId) => new ApiClientRepository(trx).claimSession(sessionId, client.id, this.d.clock.now()),
    );
    return { session: toApiSession(session) };
  }

  /** A session's state, times, latest location and evidence list (no media). An audited read. */
  async session(client: ApiPrincipal, id: string, ip: string | null): Promise<ApiSessionDetail> {
    await this.reachable(client, id);
    const [summary, items] = await Promise.all([this.d.sessions.summary(id), this.d.evidence.list(id)]);
    await this.d.reads.record({
      actor: clientActor(client),
      action: 'session.read',
      subject: { type: 'session', id },
      detail: { via: 'api/v1', location: summary.lastFix !== null, evidence: items.length },
      // A read that shows more than the one remembered (a position, new evidence) is a new entry.
      content: `location:${summary.lastFix !== null} evidence:${items.map((e) => e.id).join(',')}`,
      ip,
    });
    return { session: toApiSession(summary), evidence: items.map(toApiEvidence) };
  }

  /** Ends a session (idempotent, like the console's End); answers with its state only. */
  async end(
    client: ApiPrincipal,
    id: string,
    reason: string | undefined,
    ip: string | null,
  ): Promise<ApiEndSessionResult> {
    await this.reachable(client, id);
    const s = await this.d.sessions.end(id, reason || 'ended_by_api', clientActor(client), ip);
    return { session: { id: s.id, state: s.state, endedAt: s.endedAt, endReason: s.endReason } };
  }

  /** An incident's summary with the sessions this client may read. An audited read of each. */
  async incident(client: ApiPrincipal, id: string, ip: string | null): Promise<ApiIncident> {
    const incident = await this.d.incidents.summary(id);
    const visible = client.scopes.includes('sessions:all')
      ? incident.sessionIds
      : [...(await this.d.repo.ownedOf(client.id, incident.sessionIds))];
    if (visible.length === 0) throw notFound('incident');
    const order = new Map(incident.sessionIds.map((s, i) => [s, i]));
    const sessions = (await this.d.sessions.summaries(visible)).sort(
      (a, b) => order.get(a.id)! - order.get(b.id)!,
    );
    const actor = clientActor(client);
    await this.d.reads.record({
      actor,
      action: 'incident.read',
      subject: { type: 'incident', id },
      detail: { via: 'api/v1', sessionIds: visible },
      ip,
    });
    for (const sessionId of visible)
      await this.d.reads.record({
        actor,
        action: 'incident.read',
        subject: { type: 'session', id: sessionId },
        detail: { via: 'api/v1', incidentId: id },
        scope: id,
        content: `location:${sessions.find((x) => x.id === sessionId)?.lastFix != null}`,
        ip,
      });
    return {
      id: incident.id,
      title: incident.title,
      cadReference: incident.cadReference,
      createdAt: incident.createdAt,
      closedAt: incident.closedAt,
      sessionCount: incident.sessionIds.length,
      sessions: sessions.map(toApiSession),
    };
  }

  /** Not found unless the client created the session or holds `sessions:all`. */
  private async reachable(client: ApiPrincipal, id: string): Promise<void> {
    if (client.scopes.includes('sessions:all')) return;
    if (!(await this.d.repo.ownedOf(client.id, [id])).has(id)) throw notFound('session');
  }
}

function toApiSession(s: SessionSummary): ApiSession {
  const fix = s.lastFix;
  return {
    id: s.id,
    reference: s.reference,
    state: s.state,
    mode: s.mode,
    language: s.language,
    phoneMasked: s.phoneMasked,
    verificationCode: s.verificationCode,
    callHandler: s.createdBy,
    incidentId: s.incidentId ?? null,
    createdAt: s.createdAt,
    expiresAt: s.expiresAt,
    openedAt: s.openedAt,
    consentedAt: s.consentedAt,
    liveAt: s.liveAt,
    endedAt: s.endedAt,
    endReason: s.endReason,
    latestLocation: fix
      ? {
          lat: fix.lat,
          lon: fix.lon,
          accuracy: fix.accuracy,
          fixedAt: fix.fixTime,
          receivedAt: fix.receivedAt,
        }
      : null,
  };
}

function toApiEvidence(e: EvidenceItem): ApiEvidence {
  return {
    id: e.id,
    kind: e.kind,
    mediaType: e.mediaType,
    size: e.size,
    sha256: e.sha256,
    storedAt: e.createdAt,
    disposedAt: e.disposedAt,
  };
}
