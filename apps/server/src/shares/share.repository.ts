import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../adapters/db/database.js';
import type { OfficerPositionsTable, SharesTable } from '../adapters/db/share-schema.js';

export type ShareRow = Selectable<SharesTable>;
/** A share with the names of its field officer and of who made it. */
export type NamedShareRow = ShareRow & { officer_name: string; creator_name: string };
export type PositionRow = Selectable<OfficerPositionsTable> & { officer_name: string };

/** The shares and officer_positions tables (migration 0016). */
export class ShareRepository {
  constructor(private readonly db: Db) {}

  async insert(rows: Insertable<SharesTable>[]): Promise<void> {
    if (rows.length) await this.db.insertInto('shares').values(rows).execute();
  }

  private named() {
    return this.db
      .selectFrom('shares as s')
      .innerJoin('officers as o', 'o.id', 's.officer_id')
      .innerJoin('officers as c', 'c.id', 's.created_by')
      .selectAll('s')
      .select(['o.display_name as officer_name', 'c.display_name as creator_name']);
  }

  byId(id: string): Promise<NamedShareRow | undefined> {
    return this.named().where('s.id', '=', id).executeTakeFirst();
  }

  /** Every share of a session, newest first (ended ones too: the control room sees what happened). */
  forSession(sessionId: string): Promise<NamedShareRow[]> {
    return this.named().where('s.session_id', '=', sessionId).orderBy('s.created_at', 'desc').execute();
  }

  /** Every share of an incident, newest first (ended ones too). */
  forIncident(incidentId: string): Promise<NamedShareRow[]> {
    return this.named().where('s.incident_id', '=', incidentId).orderBy('s.created_at', 'desc').execute();
  }

  /** The officer's live share of one incident, if any (the longest-lasting when several). */
  liveForIncident(officerId: string, incidentId: string, now: number): Promise<ShareRow | undefined> {
    return this.db
      .selectFrom('shares')
      .selectAll()
      .where('officer_id', '=', officerId)
      .where('incident_id', '=', incidentId)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('expires_at', 'desc')
      .executeTakeFirst();
  }

  /** Every live share of an incident, whoever holds it (to tell their phones it changed). */
  liveOfIncident(incidentId: string, now: number): Promise<ShareRow[]> {
    return this.db
      .selectFrom('shares')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', now)
      .execute();
  }

  /** The officer's shares not yet ended and not past their time. */
  liveFor(officerId: string, now: number): Promise<NamedShareRow[]> {
    return this.named()
      .where('s.officer_id', '=', officerId)
      .where('s.ended_at', 'is', null)
      .where('s.expires_at', '>', now)
      .orderBy('s.expires_at')
      .execute();
  }

  /** The officer's live share of one session, if any (the longest-lasting when several). */
  liveForSession(officerId: string, sessionId: string, now: number): Promise<ShareRow | undefined> {
    return this.db
      .selectFrom('shares')
      .selectAll()
      .where('officer_id', '=', officerId)
      .where('session_id', '=', sessionId)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('expires_at', 'desc')
      .executeTakeFirst();
  }

  /** Shares whose time has run out but which are not yet marked ended. */
  due(now: number, limit = 200): Promise<ShareRow[]> {
    return this.db
      .selectFrom('shares')
      .selectAll()
      .where('ended_at', 'is', null)
      .where('expires_at', '<=', now)
      .limit(limit)
      .execute();
  }

  /** Live shares of a session (to end them with it). */
  openForSession(sessionId: string): Promise<ShareRow[]> {
    return this.db
      .selectFrom('shares')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('ended_at', 'is', null)
      .execute();
  }

  /** Ends a share once: false if it had ended already (another instance, or a race with expiry). */
  async end(id: string, at: number, reason: string, by: string | null): Promise<boolean> {
    const r = await this.db
      .updateTable('shares')
      .set({ ended_at: at, end_reason: reason, ended_by: by })
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    // The position is kept only while the share lives.
    await this.db.deleteFrom('officer_positions').where('share_id', '=', id).execute();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Records the first opening; false if it had been opened before. */
  async opened(id: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('shares')
      .set({ opened_at: at })
      .where('id', '=', id)
      .where('opened_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Keeps the newest position of a share; true if it is the share's first. */
  async savePosition(row: OfficerPositionsTable): Promise<boolean> {
    const updated = await this.db
      .updateTable('officer_positions')
      .set(row)
      .where('share_id', '=', row.share_id)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return false;
    await this.db.insertInto('officer_positions').values(row).execute();
    return true;
  }

  /**
   * The newest position of each field officer sharing theirs under a live share of the session,
   * or of the incident it is in now (an incident share's positions name no session).
   */
  positionsForSession(sessionId: string, incidentId: string | null, now: number): Promise<PositionRow[]> {
    return this.db
      .selectFrom('officer_positions as p')
      .innerJoin('shares as s', 's.id', 'p.share_id')
      .innerJoin('officers as o', 'o.id', 'p.officer_id')
      .selectAll('p')
      .select('o.display_name as officer_name')
      .where((eb) =>
        incidentId
          ? eb.or([eb('p.session_id', '=', sessionId), eb('s.incident_id', '=', incidentId)])
          : eb('p.session_id', '=', sessionId),
      )
      .where('s.ended_at', 'is', null)
      .where('s.expires_at', '>', now)
      .execute();
  }
}
