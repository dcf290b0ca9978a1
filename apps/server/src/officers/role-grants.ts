import { Role, type RoleGrant } from '@sightline/protocol';
import type { Db } from '../adapters/db/database.js';
import type { RoleGrantsTable } from '../adapters/db/schema.js';

/** The role_grants table: roles an admin asked for, waiting for a second admin. */
export class RoleGrantRepository {
  constructor(private readonly db: Db) {}

  async insert(row: RoleGrantsTable): Promise<void> {
    await this.db.insertInto('role_grants').values(row).execute();
  }

  async get(id: string): Promise<RoleGrant | undefined> {
    const row = await this.select().where('g.id', '=', id).executeTakeFirst();
    return row && toGrant(row);
  }

  async pendingFor(officerId: string): Promise<RoleGrant | undefined> {
    const row = await this.select()
      .where('g.officer_id', '=', officerId)
      .where('g.state', '=', 'pending')
      .executeTakeFirst();
    return row && toGrant(row);
  }

  /** Pending grants first, then the most recent decisions. */
  async list(limit = 100): Promise<RoleGrant[]> {
    const rows = await this.select()
      .orderBy((eb) => eb.case().when('g.state', '=', 'pending').then(0).else(1).end())
      .orderBy('g.requested_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toGrant);
  }

  /** Decides a pending grant; false if it was no longer pending (decided by someone else meanwhile). */
  async decide(
    id: string,
    state: 'approved' | 'refused' | 'superseded',
    at: number,
    by: { id: string | null; name: string | null },
    reason: string,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('role_grants')
      .set({ state, decided_at: at, decided_by: by.id, decided_by_name: by.name, decision_reason: reason })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  private select() {
    return this.db
      .selectFrom('role_grants as g')
      .innerJoin('officers as o', 'o.id', 'g.officer_id')
      .selectAll('g')
      .select('o.username');
  }
}

function toGrant(row: RoleGrantsTable & { username: string }): RoleGrant {
  const roles = Role.array().safeParse(JSON.parse(row.roles));
  return {
    id: row.id,
    officerId: row.officer_id,
    officerUsername: row.username,
    roles: roles.success ? roles.data : [],
    reason: row.reason,
    requestedAt: Number(row.requested_at),
    requestedById: row.requested_by,
    requestedByName: row.requested_by_name,
    state: row.state,
    decidedAt: row.decided_at === null ? null : Number(row.decided_at),
    decidedById: row.decided_by,
    decidedByName: row.decided_by_name,
    decisionReason: row.decision_reason,
  };
}
