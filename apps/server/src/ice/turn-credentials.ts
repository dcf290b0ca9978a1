import { createHmac } from 'node:crypto';

/** A TURN REST API credential pair (coturn's `use-auth-secret`). */
export interface TurnCredential {
  /** "<unix expiry>:<id>": coturn reads the expiry from the part before the colon. */
  username: string;
  /** base64(HMAC-SHA1(secret, username)): coturn computes the same from its static-auth-secret. */
  credential: string;
}

/** Ids go into coturn's log and the browser: a narrow alphabet, and never a phone number. */
const ID = /^[A-Za-z0-9._-]{1,96}$/;

/**
 * The TURN REST API scheme (draft-uberti-behave-turn-rest, coturn `use-auth-secret`):
 * the username carries its own expiry, so coturn needs no database and a credential
 * cannot be used to open an allocation after `expiresAtSeconds`.
 */
export function turnCredential(secret: string, id: string, expiresAtSeconds: number): TurnCredential {
  if (!ID.test(id)) throw new Error(`TURN credential id "${id}" must be 1-96 of A-Z a-z 0-9 . _ -`);
  if (!Number.isSafeInteger(expiresAtSeconds) || expiresAtSeconds <= 0)
    throw new Error('TURN credential expiry must be a positive whole number of seconds');
  const username = `${expiresAtSeconds}:${id}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}
