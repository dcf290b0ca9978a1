type Ms = number;

/** A widening change to an API client or webhook endpoint, waiting for a second admin (migration 0026). */
export interface IntegrationApprovalsTable {
  id: string;
  /** protocol `IntegrationApprovalKind`. */
  kind: string;
  subject_id: string;
  /** create | enable | scopes | change */
  change_kind: string;
  /** JSON: what applies on approval. */
  change: string;
  requested_at: Ms;
  requested_by: string;
  requested_by_name: string;
  /** pending | approved | refused | superseded */
  state: string;
  decided_at: Ms | null;
  decided_by: string | null;
  decided_by_name: string | null;
  decision_reason: string | null;
}

export interface ApprovalTables {
  integration_approvals: IntegrationApprovalsTable;
}
