import { randomBytes, type ScryptOptions, scrypt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

const PERIOD = 30;
const ISSUER = 'Sightline';

/** A new 160-bit TOTP secret (RFC 4226's recommended length), base32 as authenticator apps show it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, label: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD,
  });
}

/** The otpauth:// URL an authenticator app reads from the QR code. */
export function otpauthUrl(secret: string, label: string): string {
  return totp(secret, label).toString();
}

/** The QR code as SVG, drawn here so the console does not carry a QR library. */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/**
 * The time step a six-digit code belongs to, or null if it is wrong. One step either side is
 * accepted (a phone clock 30 s out); the caller refuses a step it has already accepted (replay).
 */
export function totpStep(secret: string, code: string, now: number): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totp(secret, 'x').validate({ token, timestamp: now, window: 1 });
  if (delta === null) return null;
  return Math.floor(now / 1000 / PERIOD) + delta;
}

/** The current code (tests, and nothing else: the server never shows a code). */
export function totpCode(secret: string, now: number): string {
  return totp(secret, 'x').generate({ timestamp: now });
}

// Crockford-like alphabet without 0/O, 1/I/L: codes are read off paper and typed.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten recovery codes of 10 characters each (~49 bits), shown as xxxxx-xxxxx. */
export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(10);
    const chars = Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** The form a recovery code is hashed in: case, spaces and dashes do not matter. */
export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

const RECOVERY_SCRYPT: ScryptOptions = { N: 2 ** 14, r: 8, p: 1 };

/**
 * The stored form of a recovery code. A code has about 49 bits: a plain SHA-256 lets whoever
 * copies the database search them all in hours on one GPU (for every officer at once, unsalted).
 * scrypt salted with the officer's id makes each guess cost milliseconds and memory, and a code
 * is still found by its hash alone.
 */
export function recoveryCodeHash(officerId: string, code: string): Promise<string> {
  return new Promise((resolve, reject) =>
    scrypt(
      normaliseRecoveryCode(code),
      `sightline-recovery-code:${officerId}`,
      32,
      RECOVERY_SCRYPT,
      (err, key) => (err ? reject(err) : resolve(key.toString('hex'))),
    ),
  );
}
