import type { Db } from '../adapters/db/database.js';
import { GENESIS } from '../adapters/db/migrations/0002_evidence.js';
import { parsePublicKeys, verifyWithKeys } from '../adapters/keys/key-ring.js';
import { auditHash, checkpointMessage } from './audit-chain.js';
import type { HeadRead } from './head-file.js';

export interface AuditProblem {
  /** Position in the trail where the problem shows (an entry's seq). */
  seq: number;
  id: string | null;
  kind: 'changed' | 'missing' | 'inserted' | 'moved' | 'chain-broken' | 'checkpoint' | 'truncated';
  message: string;
}

export interface AuditVerdict {
  ok: boolean;
  entries: number;
  checkpoints: number;
  lastCheckpointSeq: number | null;
  /** The signed head kept outside the database: the entry it covers, or why it could not be used. */
  head: { seq: number; at: number } | { missing: string } | null;
  firstBad: AuditProblem | null;
  problems: AuditProblem[];
}

const MAX_PROBLEMS = 20;

/**
 * Walks the whole trail and its signed checkpoints. Reports edits (hash no longer
 * matches), removals (gaps in the sequence, or a checkpoint beyond the end),
 * insertions and reorderings (an entry that hashes correctly only at another
 * position, or whose predecessor is not the one it was chained to). Given the signed head
 * kept outside the database, also removal of the newest entries together with their
 * checkpoint rows (truncation), which the database alone cannot show.
 */
export async function verifyAuditTrail(
  db: Db,
  publicKeyPem: string | null,
  head?: HeadRead,
): Promise<AuditVerdict> {
  // One key, or the published key list: each signature is checked with the key it names.
  const keys = publicKeyPem ? parsePublicKeys(publicKeyPem) : null;
  const rows = await db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
  const checkpoints = await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute();
  const problems: AuditProblem[] = [];
  const add = (p: AuditProblem) => problems.length < MAX_PROBLEMS && problems.push(p);
  const bySeq = new Map(rows.map((r) => [Number(r.seq), r]));
  let expectedSeq = 1;
  let prevHash = GENESIS;
  for (const r of rows) {
    const seq = Number(r.seq);
    if (seq > expectedSeq) {
      add({
        seq: expectedSeq,
        id: null,
        kind: 'missing',
        message: `entries #${expectedSeq}${seq - 1 > expectedSeq ? `–#${seq - 1}` : ''} are missing (removed)`,
      });
    }
    if (auditHash(r) !== r.hash) {
      const originally = findOriginalSeq(r, rows.length + 5);
      const next = bySeq.get(seq + 1);
      // An adjacent swap also looks like a one-place shift: tell them apart by the neighbour.
      const swappedWithNext =
        originally === seq + 1 && next !== undefined && findOriginalSeq(next, rows.length + 5) === seq;
      if (originally === null) {
        add({
          seq,
          id: r.id,
          kind: 'changed',
          message: `entry #${seq} (${r.action}) was changed after it was written`,
        });
      } else if (originally === seq - 1) {
        add({
          seq: seq - 1,
          id: r.id,
          kind: 'inserted',
          message: `an entry was inserted at #${seq - 1}: the entry now at #${seq} was written as #${originally}`,
        });
      } else if (originally === seq + 1 && !swappedWithNext) {
        add({
          seq,
          id: r.id,
          kind: 'missing',
          message: `an entry before #${seq + 1} was removed and later entries renumbered (#${seq} was written as #${originally})`,
        });
      } else {
        add({
          seq,
          id: r.id,
          kind: 'moved',
          message: `entry #${seq} (${r.action}) was written as #${originally}: the order was changed`,
        });
      }
    } else if (r.prev_hash !== prevHash && seq === expectedSeq) {
      add({
        seq,
        id: r.id,
        kind: 'chain-broken',
        message: `entry #${seq} does not follow #${seq - 1}: an entry was inserted, removed or reordered here`,
      });
    }
    prevHash = r.hash;
    expectedSeq = seq + 1;
  }
  for (const cp of checkpoints) {
    const seq = Number(cp.seq);
    const at = `signed checkpoint at #${seq}`;
    const signed = keys
      ? verifyWithKeys(keys, cp.key_fingerprint, checkpointMessage(seq, cp.hash, Number(cp.at)), cp.signature)
      : null;
    if (signed && !signed.ok) {
      add({
        seq,
        id: null,
        kind: 'checkpoint',
        message: `${at}: ${keyProblem(signed.reason, cp.key_fingerprint)}`,
      });
      continue;
    }
    const row = bySeq.get(seq);
    if (!row)
      add({ seq, id: null, kind: 'missing', message: `${at}: entry #${seq} is gone (entries were removed)` });
    else if (row.hash !== cp.hash)
      add({
        seq,
        id: row.id,
        kind: 'checkpoint',
        message: `${at}: entry #${seq} differs from what was signed`,
      });
  }
  const headSummary = head ? checkHead(head, rows, keys, add) : null;
  problems.sort((a, b) => a.seq - b.seq);
  const last = checkpoints.at(-1);
  return {
    ok: problems.length === 0,
    entries: rows.length,
    checkpoints: checkpoints.length,
    lastCheckpointSeq: last ? Number(last.seq) : null,
    head: headSummary,
    firstBad: problems[0] ?? null,
    problems,
  };
}

/** Compares the trail's newest entries with the signed head kept outside the database. */
function checkHead(
  read: HeadRead,
  rows: Array<{ seq: number | bigint | string; id: string; hash: string }>,
  keys: Map<string, string> | null,
  add: (p: AuditProblem) => void,
): AuditVerdict['head'] {
  const lastSeq = rows.length ? Number(rows.at(-1)!.seq) : 0;
  if (read.state === 'absent') return { missing: 'there is no signed head file' };
  if (read.state === 'unreadable') {
    add({
      seq: lastSeq,
      id: null,
      kind: 'checkpoint',
      message: `the signed head file cannot be read: ${read.reason}`,
    });
    return { missing: read.reason };
  }
  const h = read.head;
  const signed = keys
    ? verifyWithKeys(keys, h.keyFingerprint, checkpointMessage(h.seq, h.hash, h.at), h.signature)
    : null;
  if (signed && !signed.ok) {
    add({
      seq: h.seq,
      id: null,
      kind: 'checkpoint',
      message: `the signed head file (at #${h.seq}): ${keyProblem(signed.reason, h.keyFingerprint)}`,
    });
    return { seq: h.seq, at: h.at };
  }
  const when = new Date(h.at).toISOString();
  if (lastSeq < h.seq) {
    add({
      seq: lastSeq + 1,
      id: null,
      kind: 'truncated',
      message: `the trail was truncated after #${lastSeq}: the signed head kept outside the database (${when}) covers entries up to #${h.seq}, so #${lastSeq + 1}–#${h.seq} were removed`,
    });
  } else {
    const row = rows.find((r) => Number(r.seq) === h.seq);
    if (row && row.hash !== h.hash)
      add({
        seq: h.seq,
        id: row.id,
        kind: 'checkpoint',
        message: `entry #${h.seq} differs from the one the signed head kept outside the database (${when}) covers`,
      });
  }
  return { seq: h.seq, at: h.at };
}

/** Why a signature was refused, in the words `audit verify` prints. */
function keyProblem(reason: 'unknown-key' | 'bad-signature', fingerprint: string): string {
  return reason === 'unknown-key'
    ? `signed with key ${fingerprint}, which is not in the key list (not this deployment's key)`
    : `the signature is not valid for key ${fingerprint}`;
}

/** The position an entry's stored hash was computed for, if it is not where it now sits. */
function findOriginalSeq(
  r: Parameters<typeof auditHash>[0] & { hash: string },
  maxSeq: number,
): number | null {
  for (let s = 1; s <= maxSeq; s++)
    if (s !== Number(r.seq) && auditHash({ ...r, seq: s }) === r.hash) return s;
  return null;
}
