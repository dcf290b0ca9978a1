import { readdir } from 'node:fs/promises';
import type { Insertable } from 'kysely';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { SealsTable } from '../adapters/db/schema.js';
import { withTransaction } from '../adapters/db/transaction.js';
import type { Random } from '../adapters/random.js';
import type { Logger } from '../lib/logger.js';
import { GrowingFile, HASH_CHUNK_BYTES } from './growing-file.js';
import { type SealFields, sealGenesis, sealHash } from './seal-chain.js';
import {
  closeAll,
  type FileState,
  finalSeals,
  type OpenFile,
  openEither,
  SealError,
  type SealResult,
  type Tracked,
  uncommitted,
} from './sealed-files.js';

export { SealError, type SealResult } from './sealed-files.js';

/** Seal rows of one recording not yet committed, the chain head and file seals they lead to. */
interface Pending {
  t: Tracked;
  rows: Insertable<SealsTable>[];
  seq: number;
  prevHash: string;
  sealed: Array<{ f: FileState; offset: number; prefixSha256: string }>;
}

/** A seal while the recording is written, its last one, or one made at recovery after a crash. */
type SealMode = 'live' | 'final' | 'recovery';

/** Rows per INSERT: well under SQLite's limit on bound values (11 per row). */
const ROWS_PER_INSERT = 500;

/**
 * Seals recordings while Janus writes them. Janus appends to each .mjr file and
 * never rewrites earlier bytes, so a seal is a checkpoint: (file, offset, SHA-256
 * of the first `offset` bytes, time), chained to the previous seal of the same
 * recording. Each file stays open with a running hash, so a tick reads only the bytes
 * appended since the last one, and one transaction commits every seal of the tick.
 * What was hashed and what was sealed are kept apart: a commit that fails leaves the hashed
 * bytes to the next seal, and only committed seals are ever reported.
 * A crash loses at most the bytes written since the last tick, and those are
 * sealed (flagged "recovered") at the next start.
 */
export class Sealer {
  readonly #tracked = new Map<string, Tracked>();
  #timer: NodeJS.Timeout | null = null;
  /** The timer's tick waiting or running: the next one is skipped rather than queued behind it. */
  #timerTick: Promise<void> | null = null;
  #stopped = false;
  /** Ticks and finishes run one after another: each feeds the same running hashes. */
  #running: Promise<unknown> = Promise.resolve();
  /** Read buffer of the ticks (one at a time, see #running). */
  readonly #buffer = Buffer.allocUnsafe(HASH_CHUNK_BYTES);

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly intervalMs: number,
    private readonly log: Logger,
    private readonly openFile: OpenFile = GrowingFile.open,
  ) {}

  start(): void {
    if (this.#stopped) throw new SealError('sealer_stopped', 'the sealer has been stopped');
    this.#timer ??= setInterval(() => {
      // A tick slower than the interval must not pile up more ticks behind it.
      if (this.#timerTick) return;
      this.#timerTick = this.tick().finally(() => {
        this.#timerTick = null;
      });
    }, this.intervalMs);
  }

  /**
   * Stops the timer, waits for the tick or finish in flight, and closes the files of recordings
   * still tracked. Their unsealed tail is sealed, flagged recovered, at the next start.
   */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#stopped = true;
    await this.#running;
    for (const t of this.#tracked.values()) await closeAll(t);
    this.#tracked.clear();
  }

  /** Starts sealing a recording that Janus is about to write. */
  track(recordingId: string, sessionId: string, dir: string, fileBase: string): void {
    if (this.#stopped) {
      this.log.warn({ recordingId }, 'sealer: stopped, not tracking; the next start recovers the recording');
      return;
    }
    this.#tracked.set(recordingId, {
      recordingId,
      sessionId,
      dir,
      fileBase,
      files: new Map(),
      seq: 0,
      prevHash: sealGenesis(recordingId),
    });
  }

  /**
   * Seals everything written so far, then stops tracking. Returns each file's final seal, every
   * one of them a row in the seals table; throws if it cannot make that so.
   */
  finish(recordingId: string): Promise<SealResult[]> {
    if (this.#stopped)
      return Promise.reject(
        new SealError(
          'sealer_stopped',
          `sealer stopped before ${recordingId} was finished; recovered at next start`,
        ),
      );
    const done = this.#running.then(async () => {
      const t = this.#tracked.get(recordingId);
      if (!t) return [];
      try {
        await this.sealAndCommit(t, 'final', this.#buffer);
        return finalSeals(t);
      } finally {
        this.#tracked.delete(recordingId);
        await closeAll(t);
      }
    });
    this.#running = done.catch(() => {});
    return done;
  }

  /**
   * After a crash: checks that each file still matches its last seal (re-hashing
   * the sealed prefix), then seals the rest with `recovered` set. Throws if a file
   * no longer matches what was sealed.
   */
  async recover(
    recordingId: string,
    sessionId: string,
    dir: string,
    fileBase: string,
  ): Promise<{ recoveredBytes: number; seals: SealResult[] }> {
    const seals = await this.db
      .selectFrom('seals')
      .selectAll()
      .where('recording_id', '=', recordingId)
      .orderBy('seq')
      .execute();
    const t: Tracked = {
      recordingId,
      sessionId,
      dir,
      fileBase,
      files: new Map(),
      seq: seals.length ? Number(seals.at(-1)!.seq) : 0,
      prevHash: seals.at(-1)?.hash ?? sealGenesis(recordingId),
    };
    // Its own buffer: recovery runs beside the ticks of recordings that are live.
    const buffer = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
    try {
      const lastByFile = new Map(seals.map((s) => [s.file_name, s]));
      let sealedBytes = 0;
      for (const [fileName, last] of lastByFile) {
        const file = await openEither(this.openFile, dir, fileName);
        if (!file) throw new SealError('seal_file_missing', `sealed file ${fileName} is missing`);
        const committed = { offset: Number(last.offset), prefixSha256: last.prefix_sha256 };
        t.files.set(fileName, { file, committed });
        const reached = await file.hashTo(committed.offset, buffer);
        if (reached !== committed.offset || file.prefixSha256() !== committed.prefixSha256) {
          throw new SealError(
            'seal_mismatch',
            `${fileName} no longer matches its seal #${last.seq} (first ${last.offset} bytes changed)`,
          );
        }
        sealedBytes += reached;
      }
      await this.sealAndCommit(t, 'recovery', buffer);
      const result = finalSeals(t);
      const recoveredBytes = result.reduce((a, s) => a + s.offset, 0) - sealedBytes;
      this.log.warn(
        { recordingId, sealedBytes, recoveredBytes },
        'sealer: recovered a recording after a restart',
      );
      return { recoveredBytes, seals: result };
    } finally {
      await closeAll(t);
    }
  }

  /** Seals every tracked recording once, all in one transaction (the timer calls this). */
  tick(): Promise<void> {
    // After stop() its files are being closed, or closed.
    if (this.#stopped) return Promise.resolve();
    const done = this.#running.then(async () => {
      const pending: Pending[] = [];
      for (const t of this.#tracked.values()) {
        try {
          pending.push(await this.sealNewBytes(t, 'live', this.#buffer));
        } catch (err) {
          this.log.error({ err, recordingId: t.recordingId }, 'sealer: sealing failed; will retry next tick');
        }
      }
      try {
        await this.commit(pending);
      } catch (err) {
        // One recording's bad row must not hold back the others: each on its own.
        this.log.warn(
          { err },
          'sealer: the tick could not commit its seals together; committing each recording alone',
        );
        await this.resync(pending.map((p) => p.t));
        for (const p of pending) {
          await this.sealAndCommit(p.t, 'live', this.#buffer).catch((e: unknown) =>
            this.log.error(
              { err: e, recordingId: p.t.recordingId },
              'sealer: sealing failed; will retry next tick',
            ),
          );
        }
      }
    });
    this.#running = done.catch(() => {});
    return done;
  }

  /**
   * Seals one recording's new bytes in a transaction of its own. If the commit fails, the head is
   * re-read from the database (the commit may have happened all the same) and the error thrown
   * only if something hashed is still not sealed.
   */
  private async sealAndCommit(t: Tracked, mode: SealMode, buffer: Buffer): Promise<void> {
    const pending = await this.sealNewBytes(t, mode, buffer);
    try {
      await this.commit([pending]);
    } catch (err) {
      await this.resync([t]);
      if (uncommitted(t)) throw err;
    }
  }

  /**
   * Hashes what each of the recording's files gained since it was last read and prepares a seal
   * for each file with hashed bytes that no committed seal covers yet, grown since or not (a
   * failed commit leaves them). A last seal ('final', 'recovery') also seals a file still empty, so
   * that every file reported has a seal.
   * Nothing is written yet: the chain head and the committed seals move only on commit.
   */
  private async sealNewBytes(t: Tracked, mode: SealMode, buffer: Buffer): Promise<Pending> {
    const pending: Pending = { t, rows: [], seq: t.seq, prevHash: t.prevHash, sealed: [] };
    // Listed each time: Janus opens a track's file when the track's first packet arrives.
    const listed = (await readdir(t.dir).catch(() => [] as string[]))
      .filter((n) => n.startsWith(`${t.fileBase}-`) && /\.mjr(\.tmp)?$/.test(n))
      .map((n) => n.replace(/\.tmp$/, ''));
    const recovered = mode === 'recovery';
    for (const fileName of [...new Set([...t.files.keys(), ...listed])].sort()) {
      let f = t.files.get(fileName);
      if (!f) {
        // Under either name: Janus may rename x.mjr.tmp to x.mjr since the listing.
        const file = await openEither(this.openFile, t.dir, fileName);
        if (!file) continue;
        f = { file, committed: null };
        t.files.set(fileName, f);
      }
      const size = await f.file.size();
      if (size > f.file.hashed) await f.file.hashTo(size, buffer);
      const offset = f.file.hashed;
      if (f.committed ? offset <= f.committed.offset : offset === 0 && mode === 'live') continue;
      const fields: SealFields = {
        recordingId: t.recordingId,
        seq: pending.seq + 1,
        fileName,
        offset,
        prefixSha256: f.file.prefixSha256(),
        // Taken after the bytes were read: they existed by then.
        at: this.clock.now(),
        recovered,
        prevHash: pending.prevHash,
      };
      const hash = sealHash(fields);
      pending.rows.push({
        id: this.random.id(),
        recording_id: t.recordingId,
        session_id: t.sessionId,
        seq: fields.seq,
        file_name: fields.fileName,
        offset: fields.offset,
        prefix_sha256: fields.prefixSha256,
        at: fields.at,
        recovered: recovered ? 1 : 0,
        prev_hash: fields.prevHash,
        hash,
      });
      pending.sealed.push({ f, offset, prefixSha256: fields.prefixSha256 });
      pending.seq = fields.seq;
      pending.prevHash = hash;
    }
    return pending;
  }

  /** Writes the prepared seals in one transaction, then moves each chain head and file seal. */
  private async commit(pending: Pending[]): Promise<void> {
    const rows = pending.flatMap((p) => p.rows);
    if (rows.length === 0) return;
    await withTransaction(this.db, async (trx) => {
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
        await trx
          .insertInto('seals')
          .values(rows.slice(i, i + ROWS_PER_INSERT))
          .execute();
    });
    for (const p of pending) {
      p.t.seq = p.seq;
      p.t.prevHash = p.prevHash;
      for (const s of p.sealed) s.f.committed = { offset: s.offset, prefixSha256: s.prefixSha256 };
    }
  }

  /**
   * After a failed commit: takes each recording's chain head and each file's last seal from the
   * database. A commit whose reply was lost may have been written all the same, and continuing
   * from the old head would then collide with it on (recording, seq) for ever.
   */
  private async resync(ts: Tracked[]): Promise<void> {
    for (const t of ts) {
      try {
        const rows = await this.db
          .selectFrom('seals')
          .select(['seq', 'file_name', 'offset', 'prefix_sha256', 'hash'])
          .where('recording_id', '=', t.recordingId)
          .orderBy('seq')
          .execute();
        const last = rows.at(-1);
        t.seq = last ? Number(last.seq) : 0;
        t.prevHash = last?.hash ?? sealGenesis(t.recordingId);
        for (const f of t.files.values()) f.committed = null;
        for (const r of rows) {
          const f = t.files.get(r.file_name);
          if (f) f.committed = { offset: Number(r.offset), prefixSha256: r.prefix_sha256 };
        }
      } catch (err) {
        // Kept as it was; the next failed commit tries again.
        this.log.error({ err, recordingId: t.recordingId }, 'sealer: re-reading the seal chain failed');
      }
    }
  }
}
