import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { Random } from '../adapters/random.js';
import type { Logger } from '../lib/logger.js';
import { type SealFields, sealGenesis, sealHash } from './seal-chain.js';

interface FileState {
  hash: Hash;
  offset: number;
}

interface Tracked {
  recordingId: string;
  sessionId: string;
  dir: string;
  fileBase: string;
  files: Map<string, FileState>;
  seq: number;
  prevHash: string;
}

export interface SealResult {
  fileName: string;
  offset: number;
  prefixSha256: string;
}

/**
 * Seals recordings while Janus writes them. Janus appends to each .mjr file and
 * never rewrites earlier bytes, so a seal is a checkpoint: (file, offset, SHA-256
 * of the first `offset` bytes, time), chained to the previous seal of the same
 * recording. Running hashes are kept per file, so each tick reads only new bytes.
 * A crash loses at most the bytes written since the last tick, and those are
 * sealed (flagged "recovered") at the next start.
 */
export class Sealer {
  readonly #tracked = new Map<string, Tracked>();
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> = Promise.resolve();

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
  async finish(recordingId: string): Promise<SealResult[]> {
    await this.#running;
    const t = this.#tracked.get(recordingId);
    if (!t) return [];
    await this.sealNewBytes(t, false);
    this.#tracked.delete(recordingId);
    return [...t.files.entries()].map(([fileName, f]) => ({
      fileName,
      offset: f.offset,
      prefixSha256: f.hash.copy().digest('hex'),
    }));
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
    const lastByFile = new Map(seals.map((s) => [s.file_name, s]));
    let sealedBytes = 0;
    for (const [fileName, last] of lastByFile) {
      const path = await this.pathOf(t, fileName);
      if (!path) throw new Error(`sealed file ${fileName} is missing`);
      const hash = createHash('sha256');
      await feed(hash, path, 0, Number(last.offset));
      if (hash.copy().digest('hex') !== last.prefix_sha256) {
        throw new Error(
          `${fileName} no longer matches its seal #${last.seq} (first ${last.offset} bytes changed)`,
        );
      }
      t.files.set(fileName, { hash, offset: Number(last.offset) });
      sealedBytes += Number(last.offset);
    }
    const before = [...t.files.values()].reduce((a, f) => a + f.offset, 0);
    await this.sealNewBytes(t, true);
    const after = [...t.files.values()].reduce((a, f) => a + f.offset, 0);
    this.log.warn(
      { recordingId, sealedBytes, recoveredBytes: after - before },
      'sealer: recovered a recording after a restart',
    );
    return {
      recoveredBytes: after - before,
      seals: [...t.files.entries()].map(([fileName, f]) => ({
        fileName,
        offset: f.offset,
        prefixSha256: f.hash.copy().digest('hex'),
      })),
    };
  }

  /** Seals every tracked recording once (the timer calls this). */
  tick(): Promise<void> {
    this.#running = this.#running.then(async () => {
      for (const t of this.#tracked.values()) {
        try {
          await this.sealNewBytes(t, false);
        } catch (err) {
          this.log.error({ err, recordingId: t.recordingId }, 'sealer: sealing failed; will retry next tick');
        }
      }
    });
    return this.#running;
  }

  private async sealNewBytes(t: Tracked, recovered: boolean): Promise<void> {
    const names = (await readdir(t.dir).catch(() => [] as string[]))
      .filter((n) => n.startsWith(`${t.fileBase}-`) && /\.mjr(\.tmp)?$/.test(n))
      .sort();
    for (const onDisk of names) {
      const fileName = onDisk.replace(/\.tmp$/, '');
      const path = join(t.dir, onDisk);
      const size = (await stat(path).catch(() => null))?.size ?? 0;
      let f = t.files.get(fileName);
      if (!f) {
        f = { hash: createHash('sha256'), offset: 0 };
        t.files.set(fileName, f);
      }
      if (size <= f.offset) continue;
      await feed(f.hash, path, f.offset, size);
      f.offset = size;
      await this.write(t, { fileName, offset: size, prefixSha256: f.hash.copy().digest('hex'), recovered });
    }
  }

  private async write(
    t: Tracked,
    s: Omit<SealFields, 'recordingId' | 'seq' | 'at' | 'prevHash'>,
  ): Promise<void> {
    const fields: SealFields = {
      ...s,
      recordingId: t.recordingId,
      seq: t.seq + 1,
      at: this.clock.now(),
      prevHash: t.prevHash,
    };
    const hash = sealHash(fields);
    await this.db
      .insertInto('seals')
      .values({
        id: this.random.id(),
        recording_id: t.recordingId,
        session_id: t.sessionId,
        seq: fields.seq,
        file_name: fields.fileName,
        offset: fields.offset,
        prefix_sha256: fields.prefixSha256,
        at: fields.at,
        recovered: fields.recovered ? 1 : 0,
        prev_hash: fields.prevHash,
        hash,
      })
      .execute();
    t.seq = fields.seq;
    t.prevHash = hash;
  }

  private async pathOf(t: Tracked, fileName: string): Promise<string | null> {
    for (const candidate of [fileName, `${fileName}.tmp`]) {
      if (await stat(join(t.dir, candidate)).catch(() => null)) return join(t.dir, candidate);
    }
    return null;
  }
}

/** Feeds bytes [start, end) of a file into a hash. */
function feed(hash: Hash, path: string, start: number, end: number): Promise<void> {
  if (end <= start) return Promise.resolve();
  return new Promise((resolve, reject) => {
    createReadStream(path, { start, end: end - 1 })
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve())
      .on('error', reject);
  });
}
