import { createHash, type Hash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Insertable } from 'kysely';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { SealsTable } from '../adapters/db/schema.js';
import { withTransaction } from '../adapters/db/transaction.js';
import type { Random } from '../adapters/random.js';
import type { Logger } from '../lib/logger.js';
import { GrowingFile, HASH_CHUNK_BYTES } from './growing-file.js';
import { type SealFields, sealGenesis, sealHash } from './seal-chain.js';

interface FileState {
  hash: Hash;
  /** Bytes fed into `hash` so far: the prefix the next seal of this file covers. */
  offset: number;
  file: GrowingFile;
}

interface Tracked {
  recordingId: string;
  sessionId: string;
  dir: string;
  fileBase: string;
  files: Map<string, FileState>;
  /** The chain's head as committed to the database. */
  seq: number;
  prevHash: string;
}

/** Seal rows of one recording not yet committed, and the chain head they lead to. */
interface Pending {
  t: Tracked;
  rows: Insertable<SealsTable>[];
  seq: number;
  prevHash: string;
}

export interface SealResult {
  fileName: string;
  offset: number;
  prefixSha256: string;
}

/** Rows per INSERT: well under SQLite's limit on bound values (11 per row). */
const ROWS_PER_INSERT = 500;

/**
 * Seals recordings while Janus writes them. Janus appends to each .mjr file and
 * never rewrites earlier bytes, so a seal is a checkpoint: (file, offset, SHA-256
 * of the first `offset` bytes, time), chained to the previous seal of the same
 * recording. Each file stays open with a running hash, so a tick reads only the bytes
 * appended since the last one, and one transaction commits every seal of the tick.
 * A crash loses at most the bytes written since the last tick, and those are
 * sealed (flagged "recovered") at the next start.
 */
export class Sealer {
  readonly #tracked = new Map<string, Tracked>();
  #timer: NodeJS.Timeout | null = null;
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
  ) {}

  start(): void {
    this.#timer ??= setInterval(() => void this.tick(), this.intervalMs);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Starts sealing a recording that Janus is about to write. */
  track(recordingId: string, sessionId: string, dir: string, fileBase: string): void {
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

  /** Seals everything written so far, then stops tracking. Returns each file's final seal. */
  finish(recordingId: string): Promise<SealResult[]> {
    const done = this.#running.then(async () => {
      const t = this.#tracked.get(recordingId);
      if (!t) return [];
      try {
        await this.commit([await this.sealNewBytes(t, false, this.#buffer)]);
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
        const file = await openEither(dir, fileName);
        if (!file) throw new Error(`sealed file ${fileName} is missing`);
        const hash = createHash('sha256');
        t.files.set(fileName, { hash, offset: 0, file });
        const reached = await file.feed(hash, 0, Number(last.offset), buffer);
        if (reached !== Number(last.offset) || hash.copy().digest('hex') !== last.prefix_sha256) {
          throw new Error(
            `${fileName} no longer matches its seal #${last.seq} (first ${last.offset} bytes changed)`,
          );
        }
        t.files.get(fileName)!.offset = reached;
        sealedBytes += reached;
      }
      const before = sealedBytes;
      await this.commit([await this.sealNewBytes(t, true, buffer)]);
      const after = [...t.files.values()].reduce((a, f) => a + f.offset, 0);
      this.log.warn(
        { recordingId, sealedBytes, recoveredBytes: after - before },
        'sealer: recovered a recording after a restart',
      );
      return { recoveredBytes: after - before, seals: finalSeals(t) };
    } finally {
      await closeAll(t);
    }
  }

  /** Seals every tracked recording once, all in one transaction (the timer calls this). */
  tick(): Promise<void> {
    const done = this.#running.then(async () => {
      const pending: Pending[] = [];
      for (const t of this.#tracked.values()) {
        try {
          pending.push(await this.sealNewBytes(t, false, this.#buffer));
        } catch (err) {
          this.log.error({ err, recordingId: t.recordingId }, 'sealer: sealing failed; will retry next tick');
        }
      }
      await this.commit(pending).catch(async (err: unknown) => {
        // One recording's bad row must not hold back the others: each on its own.
        this.log.warn(
          { err },
          'sealer: the tick could not commit its seals together; committing each recording alone',
        );
        for (const p of pending) {
          await this.commit([p]).catch((e: unknown) =>
            this.log.error(
              { err: e, recordingId: p.t.recordingId },
              'sealer: sealing failed; will retry next tick',
            ),
          );
        }
      });
    });
    this.#running = done.catch(() => {});
    return done;
  }

  /**
   * Hashes what each of the recording's files gained since its last seal and prepares a seal
   * for each file that grew. Nothing is written yet: the chain head moves only on commit.
   */
  private async sealNewBytes(t: Tracked, recovered: boolean, buffer: Buffer): Promise<Pending> {
    const pending: Pending = { t, rows: [], seq: t.seq, prevHash: t.prevHash };
    // Listed each time: Janus opens a track's file when the track's first packet arrives.
    const names = (await readdir(t.dir).catch(() => [] as string[]))
      .filter((n) => n.startsWith(`${t.fileBase}-`) && /\.mjr(\.tmp)?$/.test(n))
      .sort();
    for (const onDisk of names) {
      const fileName = onDisk.replace(/\.tmp$/, '');
      let f = t.files.get(fileName);
      if (!f) {
        // Renamed (.tmp closed) between the listing and here: the next tick finds it.
        const file = await GrowingFile.open(join(t.dir, onDisk)).catch(() => null);
        if (!file) continue;
        f = { hash: createHash('sha256'), offset: 0, file };
        t.files.set(fileName, f);
      }
      const size = await f.file.size();
      if (size <= f.offset) continue;
      f.offset = await f.file.feed(f.hash, f.offset, size, buffer);
      const fields: SealFields = {
        recordingId: t.recordingId,
        seq: pending.seq + 1,
        fileName,
        offset: f.offset,
        prefixSha256: f.hash.copy().digest('hex'),
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
      pending.seq = fields.seq;
      pending.prevHash = hash;
    }
    return pending;
  }

  /** Writes the prepared seals in one transaction, then moves each chain head. */
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
    }
  }
}

function finalSeals(t: Tracked): SealResult[] {
  return [...t.files.entries()].map(([fileName, f]) => ({
    fileName,
    offset: f.offset,
    prefixSha256: f.hash.copy().digest('hex'),
  }));
}

async function closeAll(t: Tracked): Promise<void> {
  for (const f of t.files.values()) await f.file.close();
}

/** Opens a recording file under its final name or, still being written, its .tmp name. */
async function openEither(dir: string, fileName: string): Promise<GrowingFile | null> {
  for (const candidate of [fileName, `${fileName}.tmp`]) {
    const file = await GrowingFile.open(join(dir, candidate)).catch(() => null);
    if (file) return file;
  }
  return null;
}
