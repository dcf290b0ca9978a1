import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Encrypts short secrets for storage; the key lives in the key directory, never in the database. */
export interface SecretBox {
  /** AES-256-GCM; `context` (e.g. the row id) must match on open, so a sealed value cannot be moved. */
  seal(plain: string, context: string): string;
  /** The plain text, or null if the value is damaged, from another key, or for another context. */
  open(sealed: string, context: string): string | null;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Reads `<dir>/<name>.key` (32 random bytes, 0600), creating it on first start. */
export function loadOrCreateKey(dir: string, name: string): Buffer {
  const path = join(dir, `${name}.key`);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(path, randomBytes(32), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process created it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const key = readFileSync(path);
  if (key.length !== 32) throw new Error(`${path} is not a 32-byte key`);
  return key;
}

/** Loads `<dir>/<name>.key` (32 random bytes, 0600), creating it on first start. */
export function loadOrCreateSecretBox(dir: string, name: string): SecretBox {
  const key = loadOrCreateKey(dir, name);
  return {
    seal(plain, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(sealed, context) {
      try {
        const raw = Buffer.from(sealed, 'base64url');
        if (raw.length < IV_BYTES + TAG_BYTES) return null;
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        return null;
      }
    },
  };
}
