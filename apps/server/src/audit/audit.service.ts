import type { AuditEntry } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { Random } from '../adapters/random.js';

/** Who did something. Callers are identified by their session, never by name or number. */
export type Actor =
  | { type: 'officer'; id: string; name: string }
  | { type: 'caller'; sessionId: string }
  | { type: 'system' };

export interface AuditInput {
  actor: Actor;
  action: string;
  subject?: { type: string; id: string };
  detail?: Record<string, unknown>;
  ip?: string | null;
}

export const SYSTEM: Actor = { type: 'system' };

/**
 * Append-only record of who did what to which evidence. Nothing updates or
 * deletes rows here; the repository exposes no way to.
 */
export class AuditService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  async record(input: AuditInput): Promise<void> {
    const a = input.actor;
    await this.db
      .insertInto('audit_events')
      .values({
        id: this.random.id(),
        at: this.clock.now(),
        actor_type: a.type,
        actor_id: a.type === 'officer' ? a.id : a.type === 'caller' ? a.sessionId : null,
        actor_name: a.type === 'officer' ? a.name : null,
        action: input.action,
        subject_type: input.subject?.type ?? null,
        subject_id: input.subject?.id ?? null,
        detail: input.detail ? JSON.stringify(input.detail) : null,
        ip: input.ip ?? null,
      })
      .execute();
  }

  async list(q: {
    limit: number;
    subjectId?: string | undefined;
    action?: string | undefined;
  }): Promise<AuditEntry[]> {
    let query = this.db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(q.limit);
    if (q.subjectId) query = query.where('subject_id', '=', q.subjectId);
    if (q.action) query = query.where('action', '=', q.action);
    const rows = await query.execute();
    return rows.map((r) => ({
      id: r.id,
      at: Number(r.at),
      actorType: r.actor_type as AuditEntry['actorType'],
      actorId: r.actor_id,
      actorName: r.actor_name,
      action: r.action,
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
    }));
  }
}
