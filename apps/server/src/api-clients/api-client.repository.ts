import type { Insertable, Selectable, Updateable } from 'kysely';
import type { ApiClientsTable } from '../adapters/db/api-client-schema.js';
import type { Db } from '../adapters/db/database.js';

export type ApiClientRow = Selectable<ApiClientsTable>;

/** The machine clients, their access tokens and the sessions each created (migration 0021). */
export class ApiClientRepository {
  constructor(private readonly db: Db) {}

  async insert(row: Insertable<ApiClientsTable>): Promise<void> {
    await this.db.insertInto('api_clients').values(row).execute();
  }

  byId(id: string): Promise<ApiClientRow | undefined> {
    return this.db.selectFrom('api_clients').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byKeyId(keyId: string): Promise<ApiClientRow | undefined> {
    return this.db.selectFrom('api_clients').selectAll().where('key_id', '=', keyId).executeTakeFirst();
  }

  list(): Promise<ApiClientRow[]> {
    return this.db.selectFrom('api_clients').selectAll().orderBy('created_at', 'desc').execute();
  }

  async update(id: string, change: Updateable<ApiClientsTable>): Promise<void> {
    await this.db.updateTable('api_clients').set(change).where('id', '=', id).execute();
  }

  /** Notes a use, at most once a minute per client (not a write per request). */
  async touch(id: string, now: number, staleBefore: number): Promise<void> {
    await this.db
      .updateTable('api_clients')
      .set({ last_used_at: now })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', staleBefore)]))
      .execute();
  }

  /** Stores a new access token's digest, dropping the client's expired ones. */
  async insertToken(row: {
    token_hash: string;
    client_id: string;
    scopes: string;
    created_at: number;
    expires_at: number;
  }): Promise<void> {
    await this.db
      .deleteFrom('api_access_tokens')
      .where('client_id', '=', row.client_id)
      .where('expires_at', '<=', row.created_at)
      .execute();
    await this.db.insertInto('api_access_tokens').values(row).execute();
  }

  /** An unexpired token with its client. */
  tokenByHash(hash: string, now: number) {
    return this.db
      .selectFrom('api_access_tokens as t')
      .innerJoin('api_clients as c', 'c.id', 't.client_id')
      .selectAll('c')
      .select(['t.scopes as token_scopes'])
      .where('t.token_hash', '=', hash)
      .where('t.expires_at', '>', now)
      .executeTakeFirst();
  }

  /** Ends every access token of a client (its key changed, was revoked, or it was disabled). */
  async dropTokens(clientId: string): Promise<void> {
    await this.db.deleteFrom('api_access_tokens').where('client_id', '=', clientId).execute();
  }

  /** Records that a client created a session (idempotent: a replayed invite is the same session). */
  async claimSession(sessionId: string, clientId: string, now: number): Promise<void> {
    await this.db
      .insertInto('api_client_sessions')
      .values({ session_id: sessionId, client_id: clientId, created_at: now })
      .onConflict((oc) => oc.column('session_id').doNothing())
      .execute();
  }

  /** Of these sessions, the ones this client created. */
  async ownedOf(clientId: string, sessionIds: string[]): Promise<Set<string>> {
    if (sessionIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('api_client_sessions')
      .select('session_id')
      .where('client_id', '=', clientId)
      .where('session_id', 'in', sessionIds)
      .execute();
    return new Set(rows.map((r) => r.session_id));
  }
}
