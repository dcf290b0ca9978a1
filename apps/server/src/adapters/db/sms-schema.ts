type Ms = number;

/**
 * One attempt to text a session's link (migration 0013): the invite is attempt 1, each resend
 * the next; within one press of Send, try 1 is the chosen gateway and try 2 the fallback after
 * a definite refusal. (idempotency_key, try_no) is unique: one text per press and gateway, on
 * every instance sharing the database.
 */
export interface SmsDeliveriesTable {
  id: string;
  session_id: string;
  idempotency_key: string;
  try_no: number;
  attempt: number;
  officer_id: string;
  /** What the officer asked for: 'primary' or 'fallback'. */
  route: string;
  gateway: string;
  provider_ref: string | null;
  /** queued | sent | delivered | failed */
  status: string;
  failure_reason: string | null;
  /** refused | unreachable | ambiguous (SmsSendError), or 'provider' for a failure reported later. */
  failure_kind: string | null;
  /** The link, sealed (secret-box, this row's id), so a resend sends the same link; erased once used. */
  link_sealed: string | null;
  created_at: Ms;
  updated_at: Ms;
  delivered_at: Ms | null;
}

export interface SmsTables {
  sms_deliveries: SmsDeliveriesTable;
}
