type Ms = number;

/** One exact consent text a caller's page was given (migration 0029); never changed. */
export interface ConsentTextsTable {
  /** SHA-256 (hex) of the text; see privacy/consent-text.ts. */
  version: string;
  language: string;
  /** The link mode it words (video, location, two-way). */
  mode: string;
  /** protocol `ConsentText`, as JSON. */
  body: string;
  first_served_at: Ms;
}

export interface PrivacyTables {
  consent_texts: ConsentTextsTable;
}
