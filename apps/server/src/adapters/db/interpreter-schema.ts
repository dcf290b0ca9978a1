type Ms = number;

/** An interpreter invited into a live session (migration 0027). */
export interface InterpretersTable {
  id: string;
  session_id: string;
  /** SHA-256 of the link's token; the token itself is shown once and never stored. */
  token_hash: string;
  name: string;
  /** bsl | spoken */
  kind: string;
  language: string;
  organisation: string;
  booking_ref: string;
  /** invited | joined | left | revoked | expired */
  state: string;
  invited_by: string;
  invited_by_name: string;
  created_at: Ms;
  /** The link must be opened before this. */
  open_by: Ms;
  opened_at: Ms | null;
  /** SHA-256 of the secret (an HttpOnly cookie) that binds the opened link to one browser. */
  device_secret_hash: string | null;
  consented_at: Ms | null;
  ended_at: Ms | null;
  end_reason: string | null;
}

export interface InterpreterTables {
  interpreters: InterpretersTable;
}
