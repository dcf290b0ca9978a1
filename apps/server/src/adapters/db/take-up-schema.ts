type Ms = number;

/**
 * One caller's answer to "Did this help?" (migration 0030). Anonymous by construction: no
 * session, phone, officer or time of answering, only what the take-up report groups by.
 */
export interface CallerFeedbackTable {
  /** Random, not derived from the session. */
  id: string;
  /** UTC midnight of the day the link was sent. */
  sent_day: Ms;
  team: string | null;
  mode: string;
  language: string;
  /** yes | no | unsure */
  answer: string;
  /** The caller's own words, erased (set null) at text_purge_at. */
  text: string | null;
  text_purge_at: Ms | null;
}

export interface TakeUpTables {
  caller_feedback: CallerFeedbackTable;
}
