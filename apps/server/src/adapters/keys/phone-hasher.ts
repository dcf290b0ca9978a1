import { createHmac } from 'node:crypto';
import { loadOrCreateKey } from './secret-box.js';

/** What a disposed session keeps of its caller's number: a keyed hash, never the number. */
export type PhoneHasher = (e164: string) => string;

/** The prefix of a hashed number, so no one mistakes it for (or dials) a number. */
export const HASHED_PHONE_PREFIX = 'hmac-sha256:';

/**
 * HMAC-SHA256 of an E.164 number under `<dir>/disposed-phones.key`. A plain hash of a phone
 * number is reversed by trying every number; the key, kept outside the database and its
 * backups, stops that. A subject access request hashes the number it is given and finds the
 * disposed sessions by the same value, so the key must be kept for as long as they are.
 */
export function loadOrCreatePhoneHasher(dir: string): PhoneHasher {
  const key = loadOrCreateKey(dir, 'disposed-phones');
  return (e164) =>
    e164.startsWith(HASHED_PHONE_PREFIX)
      ? e164
      : `${HASHED_PHONE_PREFIX}${createHmac('sha256', key).update(e164, 'utf8').digest('hex')}`;
}
