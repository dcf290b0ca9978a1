type Ms = number;

/** An officer who signs in with an identity provider: found by (issuer, subject) only. */
export interface OfficerIdentitiesTable {
  issuer: string;
  subject: string;
  officer_id: string;
  created_at: Ms;
  last_login_at: Ms | null;
}

/** A local account's TOTP secret (sealed); active once `confirmed_at` is set. */
export interface OfficerMfaTable {
  officer_id: string;
  secret_sealed: string;
  created_at: Ms;
  confirmed_at: Ms | null;
  /** The newest time step a code was accepted for (replay guard). */
  last_step: number;
}

export interface MfaRecoveryCodesTable {
  officer_id: string;
  /** scrypt of the normalised code, salted with the officer id (see recoveryCodeHash). */
  code_hash: string;
  created_at: Ms;
  used_at: Ms | null;
}

/** A step between two requests of one sign-in: 'mfa', 'enrol' or 'oidc'. */
export interface SignInChallengesTable {
  /** SHA-256 of the cookie value. */
  id_hash: string;
  kind: string;
  officer_id: string | null;
  /** Sealed JSON (OIDC state, nonce, PKCE verifier). */
  payload: string | null;
  created_at: Ms;
  expires_at: Ms;
  used_at: Ms | null;
}

export interface SignInSettingsTable {
  key: string;
  value: string;
  updated_at: Ms;
  updated_by: string | null;
}

export interface SignInTables {
  officer_identities: OfficerIdentitiesTable;
  officer_mfa: OfficerMfaTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  sign_in_challenges: SignInChallengesTable;
  sign_in_settings: SignInSettingsTable;
}
