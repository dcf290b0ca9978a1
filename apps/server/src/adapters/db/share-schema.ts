type Ms = number;

/**
 * A session (or, later, an incident) shared with one field officer until `expires_at`
 * (migration 0016). Live while `ended_at` is null and `expires_at` is in the future.
 */
export interface SharesTable {
  id: string;
  session_id: string | null;
  /** No foreign key: incident shares are added with the incidents table. */
  incident_id: string | null;
  /** The field officer it is shared with. */
  officer_id: string;
  created_by: string;
  created_at: Ms;
  expires_at: Ms;
  /** When the field officer first opened it. */
  opened_at: Ms | null;
  ended_at: Ms | null;
  /** revoked | expired | session-ended */
  end_reason: string | null;
  /** Who revoked it; null for expiry and a session's end. */
  ended_by: string | null;
}

/** A field officer's newest position under one live share; deleted when the share ends. */
export interface OfficerPositionsTable {
  share_id: string;
  officer_id: string;
  session_id: string | null;
  lat: number;
  lon: number;
  accuracy: number;
  heading: number | null;
  speed: number | null;
  fix_time: Ms;
  received_at: Ms;
}

export interface ShareTables {
  shares: SharesTable;
  officer_positions: OfficerPositionsTable;
}
