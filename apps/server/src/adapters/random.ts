import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Source of identifiers and secrets, injected so tests can be deterministic where they need to be. */
export interface Random {
  id(): string;
  /** A URL-safe secret with `bytes` bytes of entropy. */
  secret(bytes: number): string;
}

export const cryptoRandom: Random = {
  id: () => randomUUID(),
  secret: (bytes) => randomBytes(bytes).toString('base64url'),
};

/** Hex SHA-256 of a secret, for storing link tokens and cookies without storing them. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
