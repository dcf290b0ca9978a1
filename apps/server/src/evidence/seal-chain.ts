import { createHash } from 'node:crypto';

/** The fields of a seal that its hash covers. */
export interface SealFields {
  recordingId: string;
  seq: number;
  fileName: string;
  offset: number;
  prefixSha256: string;
  at: number;
  recovered: boolean;
  prevHash: string;
}

/** The chain of each recording starts from a value derived from its id. */
export const sealGenesis = (recordingId: string) =>
  createHash('sha256').update(`sightline-seal-genesis/1\n${recordingId}`).digest('hex');

/**
 * Hash of one seal, over a fixed-order array. Shared by the server and the
 * offline verifier (which recomputes it from seals.jsonl in an export).
 */
export function sealHash(s: SealFields): string {
  const canonical = JSON.stringify([
    'sightline-seal/1',
    s.recordingId,
    s.seq,
    s.fileName,
    s.offset,
    s.prefixSha256,
    s.at,
    s.recovered,
    s.prevHash,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
