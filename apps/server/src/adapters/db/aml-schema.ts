type Ms = number;

/** One accepted network location (AML) message, parsed (migration 0023). */
export interface AmlMessagesTable {
  id: string;
  received_at: Ms;
  /** https | sms */
  format: string;
  msisdn_e164: string;
  lat: number;
  lon: number;
  radius_m: number;
  positioned_at: Ms;
  confidence: number | null;
  /** protocol `AmlMethod` */
  method: string;
  altitude_m: number | null;
  emergency_number: string | null;
  imei: string | null;
  imsi: string | null;
  mcc: string | null;
  mnc: string | null;
  /** The raw message in the evidence store, from the moment it arrived. */
  storage_key: string;
  sha256: string;
  size: number;
  session_id: string | null;
  /** The session's evidence item for the raw message, once attached. */
  evidence_id: string | null;
  attached_at: Ms | null;
}

/** A message refused as malformed, kept for inspection (migration 0023). */
export interface AmlQuarantineTable {
  id: string;
  received_at: Ms;
  format: string | null;
  raw: string;
  /** JSON: field → what was wrong. */
  errors: string;
  remote_address: string | null;
}

export interface AmlTables {
  aml_messages: AmlMessagesTable;
  aml_quarantine: AmlQuarantineTable;
}
