import { createHash } from 'node:crypto';

/** The stored fields of one audit entry that its hash covers (everything but the hash itself). */
export interface ChainedFields {
  seq: number | bigint | string;
  id: string;
  at: number | bigint | string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  detail: string | null;
  ip: string | null;
  prev_hash: string;
}

/**
 * SHA-256 over a fixed-order JSON array of the entry's fields. A fixed order, not an
 * object, so the hash never depends on key order; numbers as strings so SQLite and
 * PostgreSQL (bigint as text) hash the same row identically.
 */
export function auditHash(r: ChainedFields): string {
  const canonical = JSON.stringify([
    'sightline-audit/1',
    String(r.seq),
    r.id,
    String(r.at),
    r.actor_type,
    r.actor_id,
    r.actor_name,
    r.action,
    r.subject_type,
    r.subject_id,
    r.detail,
    r.ip,
    r.prev_hash,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** The text an audit checkpoint signs. */
export const checkpointMessage = (seq: number, hash: string, at: number) =>
  `sightline-audit-checkpoint/1\n${seq}\n${hash}\n${at}`;
