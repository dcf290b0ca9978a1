type Ms = number;

/**
 * One caller's answer to "Did this help?" (migrations 0030, 0033). Anonymous by construction: no
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
  /** The caller's own words, erased (set null) SIGHTLINE_FEEDBACK_TEXT_DAYS after sent_day. */
  text: string | null;
}

/**
 * An answer waiting to be moved into caller_feedback by the sweep (migration 0033), so that the
 * stored answers follow neither the time nor the order they were given in.
 */
export interface CallerFeedbackPendingTable extends CallerFeedbackTable {
  /** UTC midnight of the day the answer was given: a day old, it is moved even alone. */
  held_day: Ms;
}

export interface TakeUpTables {
  caller_feedback: CallerFeedbackTable;
  caller_feedback_pending: CallerFeedbackPendingTable;
}
