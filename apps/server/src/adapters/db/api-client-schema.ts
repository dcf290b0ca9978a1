import type { Generated } from 'kysely';

type Ms = number;

/** A machine client of /api/v1 (migration 0021). */
export interface ApiClientsTable {
  id: string;
  name: string;
  /** JSON array of protocol `ApiScope`. */
  scopes: string;
  rate_per_minute: number;
  /** The key's public id (in the key after `sl_`); null once revoked. */
  key_id: string | null;
  /** Hex SHA-256 of the key's secret part; null once revoked. */
  key_hash: string | null;
  key_created_at: Ms | null;
  created_by: string;
  created_by_name: string;
  created_at: Ms;
  disabled_at: Ms | null;
  last_used_at: Ms | null;
  /** 1 while a new client waits for a second admin (migration 0026); its key is refused meanwhile. */
  pending_approval: Generated<number>;
}

/** An OAuth access token, by the SHA-256 of its value (migration 0021). */
export interface ApiAccessTokensTable {
  token_hash: string;
  client_id: string;
  /** JSON array: the scopes granted to this token (a subset of the client's). */
  scopes: string;
  created_at: Ms;
  expires_at: Ms;
}

/** Which client created which session (migration 0021). */
export interface ApiClientSessionsTable {
  session_id: string;
  client_id: string;
  created_at: Ms;
}

export interface ApiClientTables {
  api_clients: ApiClientsTable;
  api_access_tokens: ApiAccessTokensTable;
  api_client_sessions: ApiClientSessionsTable;
}
