import type { ColumnType, Generated } from 'kysely';
import type { AmlTables } from './aml-schema.js';
import type { ApiClientTables } from './api-client-schema.js';
import type { ApprovalTables } from './approval-schema.js';
import type { ExposureTables } from './exposure-schema.js';
import type { IncidentTables } from './incident-schema.js';
import type { InterpreterTables } from './interpreter-schema.js';
import type { OutcomeTables } from './outcome-schema.js';
import type { PrivacyTables } from './privacy-schema.js';
import type { ShareTables } from './share-schema.js';
import type { SignInTables } from './sign-in-schema.js';
import type { SmsTables } from './sms-schema.js';
import type { TakeUpTables } from './take-up-schema.js';
import type { WebhookTables } from './webhook-schema.js';

/** Times are integer milliseconds since the epoch (UTC) everywhere. */
type Ms = number;
/** A column added by a later migration: nullable, and optional when inserting. */
type Later<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface OfficersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  /** JSON array of roles. */
  roles: string;
  created_at: Ms;
  disabled_at: Ms | null;
  last_login_at: Ms | null;
  /** The officer's team (migration 0030); null: none. */
  team?: string | null;
}

export interface OfficerSessionsTable {
  /** SHA-256 of the cookie value; the cookie itself is never stored. */
  id_hash: string;
  officer_id: string;
  csrf_token: string;
  created_at: Ms;
  last_seen_at: Ms;
  expires_at: Ms;
  revoked_at: Ms | null;
  /** Sealed ID token of an SSO sign-in (id_token_hint at sign-out); null for local sign-ins. */
  sso_id_token?: string | null;
}

/** A role grant waiting for (or decided by) a second admin. */
export interface RoleGrantsTable {
  id: string;
  officer_id: string;
  /** JSON array of the roles to add. */
  roles: string;
  reason: string;
  requested_at: Ms;
  /** Null: the server's own CLI. */
  requested_by: string | null;
  requested_by_name: string | null;
  state: 'pending' | 'approved' | 'refused' | 'superseded';
  decided_at: Ms | null;
  decided_by: string | null;
  decided_by_name: string | null;
  decision_reason: string | null;
}

export interface SessionsTable {
  id: string;
  reference: string | null;
  phone_e164: string;
  phone_masked: string;
  state: string;
  created_by: string;
  created_at: Ms;
  /** When the unused link stops working. */
  expires_at: Ms;
  /** SHA-256 of the link token. */
  token_hash: string;
  /** SHA-256 of the caller's device credential, set when the link is first opened. */
  caller_secret_hash: string | null;
  caller_secret_expires_at: Ms | null;
  opened_at: Ms | null;
  consented_at: Ms | null;
  refused_at: Ms | null;
  live_at: Ms | null;
  ended_at: Ms | null;
  end_reason: string | null;
  caller_user_agent: string | null;
  publishing: number;
  /** Set while a live session's caller media has stopped arriving (migration 0006); null once it flows. */
  video_stopped_at: Later<Ms>;
  video_stop_reason: Later<string>;
  // Retention (migration 0002)
  policy_id: Later<string>;
  classified_at: Later<Ms>;
  classified_by: Later<string>;
  subject_dob: Later<string>;
  clear_period_start: Later<Ms>;
  /** Media may be disposed of after this, unless on hold. Null: not automatically. */
  retain_until: Later<Ms>;
  review_due_at: Later<Ms>;
  legal_hold: Later<number>;
  hold_reason: Later<string>;
  disposed_at: Later<Ms>;
  // Caller side (migration 0003)
  mode: ColumnType<string, string | undefined, string>;
  language: ColumnType<string, string | undefined, string>;
  verification_code: ColumnType<string, string | undefined, string>;
  location_minutes: Later<number>;
  location_until: Later<Ms>;
  /** The media node the session's room is on (migration 0010); null before it has a room. */
  media_node: Later<string>;
  /** The incident the session belongs to (migration 0015); null when in none. */
  incident_id: Later<string>;
  /** The sending officer's team at send time, and whether the caller answered the feedback question (0030). */
  team: Later<string>;
  feedback_given: Later<number>;
  /** A scheduled check's window opens here (migration 0028); null: usable at once. */
  not_before: Later<Ms>;
  /** The link's text waits until then; cleared by the instance that sends it. */
  text_due_at: Later<Ms>;
  /** The checks scheduled together. */
  series_id: Later<string>;
  cancelled_at: Later<Ms>;
  /** The language and consent text version of the caller's latest decision (migration 0029). */
  consent_language: Later<string>;
  consent_text_version: Later<string>;
}

export interface SessionEventsTable {
  id: string;
  session_id: string;
  at: Ms;
  type: string;
  actor: string | null;
  detail: string | null;
}

export interface LocationFixesTable {
  id: Generated<number>;
  session_id: string;
  lat: number;
  lon: number;
  accuracy: number;
  altitude: number | null;
  altitude_accuracy: number | null;
  heading: number | null;
  speed: number | null;
  fix_time: Ms;
  received_at: Ms;
}

export interface RecordingsTable {
  id: string;
  session_id: string;
  /** Janus file name base: files are <base>-<audio|video>-<mline>.mjr in the session's folder. */
  file_base: string;
  started_at: Ms;
  ended_at: Ms | null;
  /** recording → ingesting → stored | failed */
  state: string;
  video_codec: string | null;
  error: string | null;
  media_started_at: Later<Ms>;
  /** 'caller', 'officer' (the officer's side of a two-way call) or 'interpreter'. */
  source: ColumnType<string, string | undefined, string>;
  /** The interpreter whose camera this is, for source 'interpreter' (migration 0027). */
  interpreter_id: Later<string>;
  /** The media node whose spool holds the files (migration 0010). */
  media_node: Later<string>;
  /** When the node's heartbeat expired with this recording still open (the loss is audited). */
  node_lost_at: Later<Ms>;
}

/** A media node (Janus plus the `sightline media-node` beside it) and its heartbeat (migration 0010). */
export interface MediaNodesTable {
  id: string;
  /** Where server instances reach its Janus WebSocket API. */
  janus_url: string;
  /** Its recordings spool, a path on the node's own machine (Janus's rec_dir). */
  spool_dir: string;
  health_url: string | null;
  /** Fresh per start: the process whose value is in the row owns the id. */
  incarnation: string;
  started_at: Ms;
  heartbeat_at: Ms;
  /** Set on a clean stop. */
  stopped_at: Ms | null;
  janus_up: number;
  rooms: number;
  publishers: number;
  /** Janus's CPU use in cores over the last heartbeat interval. */
  cpu: number;
}

export interface EvidenceItemsTable {
  id: string;
  session_id: string;
  recording_id: string | null;
  kind: string;
  file_name: string;
  media_type: string;
  storage_key: string;
  sha256: string;
  size: number;
  created_at: Ms;
  /** JSON array of the SHA-256 of the items this one was made from. */
  derived_from: string;
  duration_ms: number | null;
  disposed_at: Later<Ms>;
  /** JSON: e.g. a redacted copy's redaction spec. */
  metadata: Later<string>;
}

export interface SmsOutboxTable {
  id: string;
  session_id: string | null;
  to_e164: string;
  body: string;
  created_at: Ms;
  status: string;
  provider_ref: string | null;
  /** The link, sealed (secret-box) for its sender; null once opened or expired (migration 0007). */
  link_sealed: Later<string>;
}

export interface AuditEventsTable {
  seq: Generated<number>;
  id: string;
  at: Ms;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  /** JSON object, or null. */
  detail: string | null;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditCheckpointsTable {
  seq: number;
  hash: string;
  at: Ms;
  key_fingerprint: string;
  /** Base64 Ed25519 signature of checkpointMessage(seq, hash, at). */
  signature: string;
}

/** One checkpoint of an append-only recording file: the SHA-256 of its first `offset` bytes. */
export interface SealsTable {
  id: string;
  recording_id: string;
  session_id: string;
  /** Position in this recording's chain, from 1. */
  seq: number;
  file_name: string;
  offset: number;
  prefix_sha256: string;
  at: Ms;
  /** 1 when sealed at start-up after a crash, not while recording. */
  recovered: number;
  prev_hash: string;
  hash: string;
}

export interface NotesTable {
  id: string;
  session_id: string;
  kind: string;
  text: string;
  media_time: number | null;
  recording_id: string | null;
  at: Ms;
  created_at: Ms;
  author_id: string;
}

/** Background work that must survive a restart (exports, redactions). */
export interface JobsTable {
  id: string;
  type: string;
  state: string;
  params: string;
  requested_by: string;
  created_at: Ms;
  started_at: Ms | null;
  finished_at: Ms | null;
  done: number;
  total: number;
  result: string | null;
  error: string | null;
  /** The instance running it and when its lease lapses unless renewed (migration 0009). */
  lease_owner: Later<string>;
  lease_expires_at: Later<Ms>;
}

/** A named lease: periodic work runs only on the instance holding it (migration 0009). */
export interface LeasesTable {
  name: string;
  owner: string;
  acquired_at: Ms;
  expires_at: Ms;
}

/** Sign-in failures in a row for one account from one address (migration 0009). */
export interface LoginPairsTable {
  account: string;
  address: string;
  failures: number;
  last_failure_at: Ms;
}

/** One checked wrong password, for per-account and per-address windows (migration 0009). */
export interface LoginFailuresTable {
  id: string;
  account: string;
  address: string;
  at: Ms;
}

export interface MessagesTable {
  id: string;
  session_id: string;
  seq: number;
  sender: string;
  officer_id: string | null;
  officer_name: string | null;
  text: string;
  client_id: string;
  sent_at: Ms;
  received_at: Ms;
  delivered_at: Ms | null;
  read_at: Ms | null;
}

/** A resumable (tus) upload from the caller; its bytes live in the upload spool until complete. */
export interface UploadsTable {
  id: string;
  session_id: string;
  file_name: string;
  declared_type: string | null;
  length: number;
  offset: number;
  /** receiving → stored | rejected */
  state: string;
  created_at: Ms;
  completed_at: Ms | null;
  evidence_id: string | null;
  error: string | null;
  /** The PATCH writing now (migration 0008): a claim token and when its lease lapses. */
  writer: Later<string>;
  writer_until: Later<Ms>;
}

export interface DeviceCopyChunksTable {
  session_id: string;
  /** One MediaRecorder run on the phone (a reload starts a new part). */
  part: string;
  seq: number;
  size: number;
  sha256: string;
  received_at: Ms;
}

/** A playback grant: one audited viewing of one item by one officer (migration 0012). */
export interface EvidenceViewingsTable {
  id: string;
  item_id: string;
  officer_id: string;
  started_at: Ms;
  expires_at: Ms;
}

/** How far the audit trail has been streamed to a SIEM, per stream (migration 0024). */
export interface SiemCursorsTable {
  name: string;
  /** The last entry handed to the target (0: none yet). */
  seq: number;
  updated_at: Ms;
}

export interface Database
  extends SignInTables,
    SmsTables,
    IncidentTables,
    OutcomeTables,
    ExposureTables,
    ShareTables,
    ApiClientTables,
    InterpreterTables,
    ApprovalTables,
    WebhookTables,
    AmlTables,
    TakeUpTables,
    PrivacyTables {
  officers: OfficersTable;
  officer_sessions: OfficerSessionsTable;
  role_grants: RoleGrantsTable;
  sessions: SessionsTable;
  session_events: SessionEventsTable;
  location_fixes: LocationFixesTable;
  recordings: RecordingsTable;
  evidence_items: EvidenceItemsTable;
  sms_outbox: SmsOutboxTable;
  audit_events: AuditEventsTable;
  audit_checkpoints: AuditCheckpointsTable;
  seals: SealsTable;
  notes: NotesTable;
  jobs: JobsTable;
  messages: MessagesTable;
  uploads: UploadsTable;
  device_copy_chunks: DeviceCopyChunksTable;
  leases: LeasesTable;
  media_nodes: MediaNodesTable;
  login_pairs: LoginPairsTable;
  login_failures: LoginFailuresTable;
  evidence_viewings: EvidenceViewingsTable;
  siem_cursors: SiemCursorsTable;
}
