import type { IncidentSummary, ReceivedFix, TimelineEvent } from '@sightline/protocol';
import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../adapters/db/database.js';
import type { IncidentsTable } from '../adapters/db/incident-schema.js';
import { toFix } from '../sessions/session.repository.js';

export type IncidentRow = Selectable<IncidentsTable>;

/**
 * Reads and writes of incidents and of sessions' membership (sessions.incident_id). Every read
 * over an incident's sessions is one query for all of them, never one per session.
 */
export class IncidentRepository {
  constructor(private readonly db: Db) {}

  async insert(row: Insertable<IncidentsTable>): Promise<void> {
    await this.db.insertInto('incidents').values(row).execute();
  }

  byId(id: string): Promise<IncidentRow | undefined> {
    return this.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Summaries, newest first, each with its creator's name and its sessions (oldest first). */
  async summaries(filter: { ids?: string[]; limit?: number; open?: boolean }): Promise<IncidentSummary[]> {
    let q = this.db
      .selectFrom('incidents as i')
      .innerJoin('officers as o', 'o.id', 'i.created_by')
      .selectAll('i')
      .select(['o.display_name as created_by_name'])
      .orderBy('i.created_at', 'desc');
    if (filter.ids) {
      if (filter.ids.length === 0) return [];
      q = q.where('i.id', 'in', filter.ids);
    }
    if (filter.open) q = q.where('i.closed_at', 'is', null);
    if (filter.limit) q = q.limit(filter.limit);
    const rows = await q.execute();
    const members = await this.members(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      cadReference: r.cad_reference,
      createdAt: Number(r.created_at),
      createdBy: { id: r.created_by, name: r.created_by_name },
      closedAt: r.closed_at === null ? null : Number(r.closed_at),
      sessionIds: members.get(r.id) ?? [],
    }));
  }

  /** Each incident's session ids, oldest session first (the order callers are numbered in). */
  async members(incidentIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (incidentIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('sessions')
      .select(['id', 'incident_id'])
      .where('incident_id', 'in', incidentIds)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const list = out.get(r.incident_id!) ?? [];
      list.push(r.id);
      out.set(r.incident_id!, list);
    }
    return out;
  }

  /** The session's current incident (null: none); undefined if there is no such session. */
  async incidentOf(sessionId: string): Promise<string | null | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .select('incident_id')
      .where('id', '=', sessionId)
      .executeTakeFirst();
    return row ? (row.incident_id ?? null) : undefined;
  }

  /**
   * Moves the session from `from` to `to` only if it is still in `from`: the check and the write
   * are one statement, so two officers moving the same session cannot both win (or both audit).
   */
  async move(sessionId: string, from: string | null, to: string | null): Promise<boolean> {
    const res = await this.db
      .updateTable('sessions')
      .set({ incident_id: to })
      .where('id', '=', sessionId)
      .where('incident_id', from === null ? 'is' : '=', from)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async close(id: string, at: number): Promise<boolean> {
    const res = await this.db
      .updateTable('incidents')
      .set({ closed_at: at })
      .where('id', '=', id)
      .where('closed_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Every event of these sessions, in one query, ordered by time (ties by session order given). */
  async timelines(sessionIds: string[]): Promise<Array<{ sessionId: string; event: TimelineEvent }>> {
    if (sessionIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('session_events')
      .selectAll()
      .where('session_id', 'in', sessionIds)
      .orderBy('at')
      .orderBy('id')
      .execute();
    const order = new Map(sessionIds.map((id, i) => [id, i]));
    return rows
      .map((r) => ({
        sessionId: r.session_id,
        event: { id: r.id, at: Number(r.at), type: r.type, actor: r.actor, detail: r.detail },
      }))
      .sort((a, b) => a.event.at - b.event.at || order.get(a.sessionId)! - order.get(b.sessionId)!);
  }

  /** Every fix of these sessions in arrival order, in one query, by session. */
  async tracks(sessionIds: string[]): Promise<Map<string, ReceivedFix[]>> {
    const out = new Map<string, ReceivedFix[]>(sessionIds.map((id) => [id, []]));
    if (sessionIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('location_fixes')
      .selectAll()
      .where('session_id', 'in', sessionIds)
      .orderBy('id')
      .execute();
    for (const r of rows) out.get(r.session_id)?.push(toFix(r));
    return out;
  }
}
