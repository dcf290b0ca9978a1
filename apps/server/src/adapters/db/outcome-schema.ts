import type { ColumnType } from 'kysely';

type Ms = number;

/** One structured outcome (migration 0019). Append-only: a correction is a new row that `supersedes` one. */
export interface OutcomesTable {
  id: string;
  session_id: string;
  /** triage | bail-check | missing-person */
  kind: string;
  /** The validated record as JSON (protocol `OutcomeRecord`). */
  data: string;
  supersedes: string | null;
  correction_reason: string | null;
  recorded_by: string;
  /** The officer's name when recorded, kept so the record reads the same after a rename. */
  recorded_by_name: string;
  recorded_at: Ms;
  /** The console's key for one press of Record (migration 0020): a retry returns this row. */
  idempotency_key: ColumnType<string | null, string | null | undefined, never>;
}

/** What a link was sent for, and the missing-person alert's state (migration 0019). */
export interface SessionWorkflowsTable {
  session_id: string;
  /** bail-check | missing-person */
  kind: string;
  check_subject: string | null;
  /** curfew | exclusion-zone | … (protocol `BailCondition`) */
  check_condition: string | null;
  check_detail: string | null;
  /** Alert when no fix has arrived for this long; null: no alert. */
  fix_alert_ms: Ms | null;
  /** When the current no-fix alert was raised; null while fixes arrive. */
  alert_since: Ms | null;
  created_at: Ms;
}

export interface OutcomeTables {
  outcomes: OutcomesTable;
  session_workflows: SessionWorkflowsTable;
}
