import { z } from 'zod';
import { AccountChangeReason, AuthState } from './api.js';
import { Role } from './common.js';

/**
 * What POST /api/auth/login answers: signed in, or a second step is needed. `code`: the account
 * has TOTP and must give a code (or a recovery code); `enrol`: the MFA policy requires TOTP and
 * the account has none yet, so it must set one up before it is signed in.
 */
export const MfaStep = z.object({ mfa: z.enum(['code', 'enrol']) });
export type MfaStep = z.infer<typeof MfaStep>;
export const LoginResult = z.union([AuthState, MfaStep]);
export type LoginResult = z.infer<typeof LoginResult>;

/** A six-digit TOTP code, or a recovery code (xxxxx-xxxxx; case and dashes do not matter). */
export const MfaCodeRequest = z.object({
  code: z
    .string()
    .trim()
    .min(6)
    .max(20)
    .regex(/^[0-9A-Za-z -]+$/, 'digits from your app, or a recovery code'),
});
export type MfaCodeRequest = z.infer<typeof MfaCodeRequest>;

/** A TOTP secret being set up: the QR code (SVG, drawn on the server) and the same secret as text. */
export const MfaEnrolment = z.object({
  secret: z.string(),
  otpauthUrl: z.string(),
  qrSvg: z.string(),
});
export type MfaEnrolment = z.infer<typeof MfaEnrolment>;

/** Shown once, when TOTP is confirmed: ten single-use codes for when the phone is lost. */
export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });
export type RecoveryCodes = z.infer<typeof RecoveryCodes>;

/** The answer to the code step: signed in, and the recovery codes when this step enrolled TOTP. */
export const MfaSignedIn = AuthState.extend({ recoveryCodes: z.array(z.string()).optional() });
export type MfaSignedIn = z.infer<typeof MfaSignedIn>;

/** One officer's own MFA state (the account page). */
export const MyMfaStatus = z.object({
  /** 'sso': signs in with the identity provider, whose MFA applies; Sightline's TOTP is for local accounts. */
  kind: z.enum(['local', 'sso']),
  enabled: z.boolean(),
  confirmedAt: z.number().int().nullable(),
  recoveryCodesLeft: z.number().int(),
  required: z.boolean(),
});
export type MyMfaStatus = z.infer<typeof MyMfaStatus>;

/** Which sign-in methods the login page offers (public). */
export const SignInOptions = z.object({ sso: z.object({ label: z.string() }).nullable() });
export type SignInOptions = z.infer<typeof SignInOptions>;

export const LogoutResult = z.object({
  ok: z.literal(true),
  /** The identity provider's sign-out page (RP-initiated logout), when the officer signed in with SSO. */
  endSessionUrl: z.string().optional(),
});
export type LogoutResult = z.infer<typeof LogoutResult>;

/** Admin's view of sign-in: SSO configuration (never the client secret), the MFA policy, each account. */
export const SignInSettings = z.object({
  sso: z.object({
    configured: z.boolean(),
    issuer: z.string().nullable(),
    clientId: z.string().nullable(),
    label: z.string().nullable(),
    scopes: z.string().nullable(),
    redirectUri: z.string().nullable(),
    roleClaim: z.string().nullable(),
    roleMap: z.record(z.string(), z.array(Role)),
  }),
  mfa: z.object({
    requireForLocal: z.boolean(),
    updatedAt: z.number().int().nullable(),
    updatedBy: z.string().nullable(),
  }),
  officers: z.array(
    z.object({
      id: z.string(),
      username: z.string(),
      displayName: z.string(),
      kind: z.enum(['local', 'sso']),
      mfa: z.boolean(),
      recoveryCodesLeft: z.number().int(),
      disabled: z.boolean(),
    }),
  ),
});
export type SignInSettings = z.infer<typeof SignInSettings>;

export const MfaPolicyRequest = z.object({ requireForLocal: z.boolean(), reason: AccountChangeReason });
export type MfaPolicyRequest = z.infer<typeof MfaPolicyRequest>;
