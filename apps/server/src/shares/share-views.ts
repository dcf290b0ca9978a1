import type {
  FieldIncident,
  FieldSession,
  FieldShare,
  IncidentSummary,
  OfficerPosition,
  SessionSummary,
  Share,
  ShareEndReason,
} from '@sightline/protocol';
import type { NamedShareRow, PositionRow } from './share.repository.js';

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

/** A share as its field officer sees it: the session, or the incident with its callers now. */
export function toFieldShare(
  r: NamedShareRow,
  target: { session: SessionSummary } | { incident: IncidentSummary; sessions: SessionSummary[] },
): FieldShare {
  return {
    id: r.id,
    sharedBy: { id: r.created_by, name: r.creator_name },
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    session: 'session' in target ? toFieldSession(target.session) : null,
    incident: 'incident' in target ? toFieldIncident(target.incident, target.sessions) : null,
  };
}

/** An incident as a field officer may see it: each caller labelled as the control room labels them. */
export function toFieldIncident(incident: IncidentSummary, sessions: SessionSummary[]): FieldIncident {
  const byId = new Map(sessions.map((s) => [s.id, s]));
  return {
    id: incident.id,
    title: incident.title,
    cadReference: incident.cadReference,
    callers: incident.sessionIds.flatMap((id, i) => {
      const s = byId.get(id);
      // The same numbering as the incident page ("Caller 1" is the oldest session).
      return s ? [{ label: `Caller ${i + 1}`, session: toFieldSession(s) }] : [];
    }),
  };
}

export function toPosition(p: PositionRow): OfficerPosition {
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
