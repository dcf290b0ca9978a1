import type { AuditEntry } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import { GENESIS } from '../adapters/db/migrations/0002_evidence.js';
import { advisoryLock, withTransaction } from '../adapters/db/transaction.js';
import type { SigningKeys } from '../adapters/keys/signer.js';
import type { Random } from '../adapters/random.js';
import type { Logger } from '../lib/logger.js';
import { auditHash, checkpointMessage } from './audit-chain.js';
import type { AuditHeadFile, SignedHead } from './head-file.js';

/** Who did something. Callers are identified by their session, never by name or number. */
export type Actor =
  | { type: 'officer'; id: string; name: string }
  | { type: 'caller'; sessionId: string }
  /** A machine client of /api/v1 (a CAD), by its id and the name its admin gave it. */
  | { type: 'api-client'; id: string; name: string }
  /** An interpreter invited into a call, by their invitation's id and name (issue 13). */
  | { type: 'interpreter'; id: string; name: string }
  | { type: 'system' };

export interface AuditInput {
  actor: Actor;
  action: string;
  subject?: { type: string; id: string };
  detail?: Record<string, unknown>;
  ip?: string | null;
}

export const SYSTEM: Actor = { type: 'system' };

export interface CheckpointPolicy {
  /** Sign a checkpoint at least every this many entries… */
  everyEntries: number;
  /** …and this long after the last one when there are new entries (on the next entry, and by timer once started). */
  everyMs: number;
}

/** The copy of the newest checkpoint kept outside the database (see head-file.ts). */
export interface HeadKeeping {
  file: AuditHeadFile;
  log: Logger;
}

interface Head {
  seq: number;
  hash: string;
  checkpointSeq: number;
  checkpointAt: number;
}

/**
 * Append-only, hash-chained record of who did what to which evidence. Each entry
 * carries the previous entry's hash; signed checkpoints pin the chain so that
 * truncation or a rewritten tail is detectable too (see audit-verify.ts).
 *
 * One straight chain however many processes append (server instances sharing a database, the
 * CLI): each append reads the head from the database and writes after it in one transaction
 * that holds the chain's lock (PostgreSQL: an advisory lock; SQLite: the database's write lock).
 * Within a process, entries queue and whatever has queued is written in one transaction.
 */
export class AuditService {
  #queue: Promise<unknown> = Promise.resolve();
  #pending: Array<{ input: AuditInput; done: (err?: unknown) => void }> = [];
  #timer: NodeJS.Timeout | null = null;
  #headFileRefused = false;
  #headFileFailing = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly signer: SigningKeys | null,
    private readonly policy: CheckpointPolicy = { everyEntries: 50, everyMs: 10_000 },
    private readonly headKeeping: HeadKeeping | null = null,
  ) {}

  /**
   * Signs the head every `everyMs` while entries arrive, so that at most that long of the newest
   * entries (or `everyEntries`, whichever comes first) is ever unsigned. The server calls this;
   * one-shot CLI commands do not (the server signs what they wrote on its next tick).
   */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.checkpointNow().catch((err: unknown) =>
        this.headKeeping?.log.error({ err }, 'audit: signing a checkpoint failed'),
      );
    }, this.policy.everyMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /**
   * Appends an entry; resolves once it is committed. It runs on its own connection, so never
   * await it inside withTransaction (on SQLite it would wait for that transaction's connection).
   */
  record(input: AuditInput): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const batchStarts = this.#pending.length === 0;
      this.#pending.push({ input, done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (batchStarts) this.#enqueue(() => this.appendPending());
    });
  }

  /**
   * Appends an entry inside the caller's transaction, so that it commits, or rolls back, with
   * the change it records: a deletion and its entry are never one without the other. It takes
   * the chain's lock in that transaction, held until the caller commits, so keep it short.
   * The next checkpoint (`start()`'s timer, or a later entry) signs it.
   */
  async recordIn(trx: Db, input: AuditInput): Promise<void> {
    await advisoryLock(trx, 'sightline.audit-chain');
    await this.insertEntry(trx, await loadHead(trx, this.clock), input);
  }

  /** Signs a checkpoint at the current head if it is not already covered (shutdown, before verification). */
  checkpointNow(): Promise<void> {
    return this.#enqueue(async () => {
      const signed = await this.#underChainLock(async (trx) => {
        const head = await loadHead(trx, this.clock);
        return head.seq > head.checkpointSeq ? this.checkpoint(trx, head) : null;
      });
      if (signed) await this.advanceHeadFile(signed);
    });
  }

  #enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Runs `fn` holding the chain's lock, in one transaction, with its own view of the head. */
  #underChainLock<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    return withTransaction(this.db, async (trx) => {
      await advisoryLock(trx, 'sightline.audit-chain');
      return fn(trx);
    });
  }

  async list(q: {
    limit: number;
    subjectId?: string | undefined;
    action?: string | undefined;
  }): Promise<AuditEntry[]> {
    let query = this.db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(q.limit);
    if (q.subjectId) query = query.where('subject_id', '=', q.subjectId);
    if (q.action) query = query.where('action', '=', q.action);
    return (await query.execute()).map(toEntry);
  }

  /** Every entry about any of the subjects, oldest first (for export extracts). */
  async extract(subjectIds: string[]) {
    if (subjectIds.length === 0) return [];
    return this.db
      .selectFrom('audit_events')
      .selectAll()
      .where('subject_id', 'in', subjectIds)
      .orderBy('seq')
      .execute();
  }

  /**
   * An incident's own history, oldest first: entries about the incident (created, read, closed,
   * exported) and every session added to it, moved in or out, or taken out (those are entries
   * about the session, naming the incident), including sessions no longer in it.
   */
  async extractIncident(incidentId: string) {
    const named = (key: string) => `%"${key}":"${incidentId}"%`;
    return this.db
      .selectFrom('audit_events')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('subject_id', '=', incidentId),
          eb.and([
            eb('action', 'in', ['incident.session_add', 'incident.session_move', 'incident.session_remove']),
            eb.or([eb('detail', 'like', named('incidentId')), eb('detail', 'like', named('from'))]),
          ]),
        ]),
      )
      .orderBy('seq')
      .execute();
  }

  /** Writes every entry queued so far in one transaction, chained onto the head in the database. */
  private async appendPending(): Promise<void> {
    const batch = this.#pending.splice(0);
    try {
      const signed = await retry(() =>
        this.#underChainLock(async (trx) => {
          const head = await loadHead(trx, this.clock);
          let newest: SignedHead | null = null;
          for (const { input } of batch) {
            await this.insertEntry(trx, head, input);
            if (
              head.seq - head.checkpointSeq >= this.policy.everyEntries ||
              this.clock.now() - head.checkpointAt >= this.policy.everyMs
            )
              newest = (await this.checkpoint(trx, head)) ?? newest;
          }
          return newest;
        }),
      );
      if (signed) await this.advanceHeadFile(signed);
      for (const p of batch) p.done();
    } catch (err) {
      for (const p of batch) p.done(err ?? new Error('audit append failed'));
    }
  }

  /** Appends one entry after `head` and moves `head` onto it. */
  private async insertEntry(trx: Db, head: Head, input: AuditInput): Promise<void> {
    const a = input.actor;
    const row = {
      seq: head.seq + 1,
      id: this.random.id(),
      at: this.clock.now(),
      actor_type: a.type,
      actor_id: 'id' in a ? a.id : a.type === 'caller' ? a.sessionId : null,
      actor_name: 'name' in a ? a.name : null,
      action: input.action,
      subject_type: input.subject?.type ?? null,
      subject_id: input.subject?.id ?? null,
      detail: input.detail ? JSON.stringify(input.detail) : null,
      ip: input.ip ?? null,
      prev_hash: head.hash,
    };
    const hash = auditHash(row);
    await trx
      .insertInto('audit_events')
      .values({ ...row, hash })
      .execute();
    head.seq = row.seq;
    head.hash = hash;
  }

  /** Signs `head` and stores the checkpoint in the same transaction; null without a signing key. */
  private async checkpoint(trx: Db, head: Head): Promise<SignedHead | null> {
    if (!this.signer) return null;
    const key = this.signer.current();
    const signed: SignedHead = {
      seq: head.seq,
      hash: head.hash,
      at: this.clock.now(),
      keyFingerprint: key.fingerprint,
      signature: '',
    };
    signed.signature = key.sign(checkpointMessage(signed.seq, signed.hash, signed.at));
    await trx
      .insertInto('audit_checkpoints')
      .values({
        seq: signed.seq,
        hash: signed.hash,
        at: signed.at,
        key_fingerprint: signed.keyFingerprint,
        signature: signed.signature,
      })
      .execute();
    head.checkpointSeq = head.seq;
    head.checkpointAt = signed.at;
    return signed;
  }

  /**
   * Moves the head file forward along the same chain only: never back, and never onto a trail
   * that no longer holds the entry the file last signed (that trail was cut or rewritten, and
   * the file is the proof). A failure here never stops an entry being recorded.
   */
  private async advanceHeadFile(next: SignedHead): Promise<void> {
    if (!this.headKeeping) return;
    const { file, log } = this.headKeeping;
    const refuse = (why: string) => {
      if (!this.#headFileRefused)
        log.error({ file: file.path, seq: next.seq }, `audit: the signed head file is kept as it is: ${why}`);
      this.#headFileRefused = true;
    };
    try {
      const current = file.read();
      if (current.state === 'unreadable') return refuse(`it cannot be read (${current.reason})`);
      if (current.state === 'present') {
        const c = current.head;
        if (c.seq > next.seq) {
          // Another instance sharing this key folder signed a newer head first: fine, if the
          // trail holds the entry it signs.
          if (await this.holds(c)) return;
          return refuse(`it signs entry #${c.seq} but the trail ends at #${next.seq} (entries removed?)`);
        }
        if (c.seq === next.seq) {
          if (c.hash !== next.hash) refuse(`entry #${c.seq} differs from the one it signs (rewritten?)`);
          return;
        }
        if (!(await this.holds(c)))
          return refuse(
            `entry #${c.seq} is missing or differs from the one it signs (removed or rewritten?)`,
          );
      }
      file.write(next);
      this.#headFileFailing = false;
    } catch (err) {
      // Once per outage (a read-only or full key directory would otherwise log every 10 s).
      if (!this.#headFileFailing)
        log.error({ err, file: file.path }, 'audit: writing the signed head file failed');
      this.#headFileFailing = true;
    }
  }

  /** True when the trail holds the entry a signed head signs, unchanged. */
  private async holds(head: SignedHead): Promise<boolean> {
    const row = await this.db
      .selectFrom('audit_events')
      .select('hash')
      .where('seq', '=', head.seq)
      .executeTakeFirst();
    return row?.hash === head.hash;
  }
}

/**
 * A transaction that failed wrote nothing, so it can run again. Only a writer that skips the
 * chain's lock (an older version during an upgrade) should ever make that necessary.
 */
async function retry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts) throw err;
    }
  }
}

/** The newest entry and checkpoint as the database has them (read under the chain's lock). */
async function loadHead(db: Db, clock: Clock): Promise<Head> {
  const last = await db
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const cp = await db
    .selectFrom('audit_checkpoints')
    .select(['seq', 'at'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  // Before the first checkpoint, the time to sign one runs from the first entry.
  const first = cp
    ? undefined
    : await db.selectFrom('audit_events').select('at').orderBy('seq').limit(1).executeTakeFirst();
  return {
    seq: last ? Number(last.seq) : 0,
    hash: last?.hash ?? GENESIS,
    checkpointSeq: cp ? Number(cp.seq) : 0,
    checkpointAt: cp ? Number(cp.at) : first ? Number(first.at) : clock.now(),
  };
}

function toEntry(r: {
  id: string;
  at: number;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  detail: string | null;
}): AuditEntry {
  return {
    id: r.id,
    at: Number(r.at),
    actorType: r.actor_type as AuditEntry['actorType'],
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
  };
}
