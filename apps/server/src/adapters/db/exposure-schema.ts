type Ms = number;

/** One interval of footage an officer saw clearly (migration 0018); (officer_id, id) is unique. */
export interface ExposureIntervalsTable {
  officer_id: string;
  /** Chosen by the console once per interval: a retried report has the same id. */
  id: string;
  session_id: string;
  /** live | recorded */
  kind: string;
  item_id: string | null;
  started_at: Ms;
  ended_at: Ms;
  seen_ms: number;
}

/** "Mark as distressing" (migration 0018); the note is the officer's own words, never in the timeline. */
export interface DistressMarksTable {
  officer_id: string;
  id: string;
  session_id: string;
  kind: string;
  item_id: string | null;
  media_time: number | null;
  note: string | null;
  at: Ms;
}

export interface ExposureTables {
  exposure_intervals: ExposureIntervalsTable;
  distress_marks: DistressMarksTable;
}
