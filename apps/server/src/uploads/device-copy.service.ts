import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { StorageHealth } from '../adapters/storage/storage-health.js';
import type { EvidenceLedger } from '../evidence/evidence-ledger.js';
import { DomainError } from '../lib/errors.js';
import type { SessionService } from '../sessions/session.service.js';
import { detachableBody } from './request-body.js';
import { type RecordingContainer, sniffRecording, startsAnotherFile } from './sniff.js';

const MAX_CHUNK = 16 * 1024 * 1024;
const PART = /^[A-Za-z0-9_-]{6,40}$/;
const HEAD_BYTES = 64;
/**
 * After a session ends, a device copy that had already started may still send chunks
 * for this long: the phone stops its recorder when the call ends and its last chunks
 * are still on the way. A copy that had not started by then is refused.
 */
export const DEVICE_COPY_GRACE_MS = 2 * 60_000;
const CLOSED = new Set(['ended', 'expired', 'refused']);

export interface DeviceCopySettings {
  spoolDir: string;
  /** Most bytes one session may send as device copies, all parts together. */
  maxSessionBytes: number;
}

/**
 * The full-quality copy the phone records locally (MediaRecorder) and sends in
 * numbered chunks whenever the network allows, during or after the call. Each
 * chunk is hashed on arrival; sending one again is harmless (same bytes → ok,
 * different bytes → refused). When the phone says it is complete, the chunks are
 * joined in order and stored as a "device copy" with every chunk's hash.
 *
 * A caller cannot fill the disk: a session's copies are capped in total, chunks must
 * belong to a WebM or MP4 recording (the first starts one, later ones start nothing
 * else), and nothing new is taken once the session has ended (see DEVICE_COPY_GRACE_MS).
 */
export class DeviceCopyService {
  readonly #limitNoted = new Set<string>();
  /** Joins in progress, by session/part: the phone's completion and the sweep never store one part twice. */
  readonly #joining = new Map<string, Promise<{ evidenceId: string }>>();
  /** Abandoned parts the sweep could not store (no first chunk), noted once each. */
  readonly #unjoinable = new Set<string>();
  /** Completions the evidence store could not take; retried when storage recovers. */
  readonly #pending = new Map<
    string,
    { sessionId: string; part: string; chunks: number; mimeType: string }
  >();

  constructor(
    private readonly db: Db,
    private readonly ledger: EvidenceLedger,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
    private readonly settings: DeviceCopySettings,
    private readonly onStored: (sessionId: string) => void,
    private readonly health: StorageHealth,
  ) {}

  async putChunk(
    sessionId: string,
    part: string,
    seq: number,
    body: Readable,
    claimedSha: string | null,
    declaredLength: number | null = null,
  ): Promise<{ sha256: string; size: number }> {
    this.checkPart(part);
    await this.requireOpen(sessionId, part);
    const room = this.settings.maxSessionBytes - (await this.usedBytes(sessionId));
    // Refused before a byte is read when the length says so (the body is then discarded cleanly).
    if (room <= 0 || (declaredLength !== null && declaredLength > room))
      await this.refuseOverLimit(sessionId);
    const dir = join(this.settings.spoolDir, sessionId, part);
    await this.health.guard('spool', () => mkdir(dir, { recursive: true, mode: 0o700 }));
    const temp = join(dir, `${seq}.incoming-${process.pid}-${Date.now()}`);
    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    const counter = async function* (src: Readable) {
      for await (const c of src) {
        const chunk = c as Buffer;
        size += chunk.length;
        if (size > MAX_CHUNK) throw new DomainError('message_too_large', 'chunks are at most 16 MB');
        if (size > room) throw new OverLimit();
        if (head.length < HEAD_BYTES)
          head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
        hash.update(chunk);
        yield chunk;
      }
    };
    const { source, discard } = detachableBody(body);
    try {
      await pipeline(source, counter, createWriteStream(temp, { mode: 0o600 }));
    } catch (err) {
      discard(); // answer the phone (413/507) instead of resetting its connection
      await rm(temp, { force: true });
      if (err instanceof OverLimit) await this.refuseOverLimit(sessionId);
      throw this.health.fail('spool', err);
    }
    this.health.ok('spool');
    const sha256 = hash.digest('hex');
    if (claimedSha && claimedSha !== sha256) {
      await rm(temp, { force: true });
      throw new DomainError(
        'damaged_in_transit',
        'the chunk did not arrive intact (hash mismatch); send it again',
      );
    }
    const problem = checkContent(seq, head);
    if (problem) {
      await rm(temp, { force: true });
      throw new DomainError('bad_request', problem);
    }
    const existing = await this.db
      .selectFrom('device_copy_chunks')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('part', '=', part)
      .where('seq', '=', seq)
      .executeTakeFirst();
    if (existing) {
      if (existing.sha256 !== sha256) {
        await rm(temp, { force: true });
        throw new DomainError('conflict', `chunk ${seq} was already received with different content`);
      }
      // Received before, perhaps by another instance (the balancer moved this caller while one
      // was down): keep the bytes here too, so this instance's spool holds the part in order.
      const here = join(dir, `${seq}.chunk`);
      if (await exists(here)) await rm(temp, { force: true });
      else await rename(temp, here);
      return { sha256, size };
    }
    await rename(temp, join(dir, `${seq}.chunk`));
    await this.db
      .insertInto('device_copy_chunks')
      .values({ session_id: sessionId, part, seq, size, sha256, received_at: this.clock.now() })
      .execute();
    return { sha256, size };
  }

  /** What has arrived, per part, so the phone can resume where it stopped. */
  async status(sessionId: string): Promise<Record<string, { received: number[]; complete: boolean }>> {
    const chunks = await this.db
      .selectFrom('device_copy_chunks')
      .select(['part', 'seq'])
      .where('session_id', '=', sessionId)
      .orderBy('seq')
      .execute();
    const done = await this.completedParts(sessionId);
    const out: Record<string, { received: number[]; complete: boolean }> = {};
    for (const c of chunks) {
      out[c.part] ??= { received: [], complete: done.has(c.part) };
      out[c.part]!.received.push(Number(c.seq));
    }
    for (const p of done) out[p] ??= { received: [], complete: true };
    return out;
  }

  /**
   * Joins chunks 0…n-1 into one file and stores it as evidence (once). If storage is
   * full or read-only the chunks stay in the spool and the join is retried on recovery.
   */
  async complete(
    sessionId: string,
    part: string,
    chunks: number,
    mimeType: string,
  ): Promise<{ evidenceId: string }> {
    try {
      const done = await this.joinOnce(sessionId, part, chunks, mimeType, 'phone');
      this.#pending.delete(`${sessionId}/${part}`);
      return done;
    } catch (err) {
      if (err instanceof DomainError && err.code === 'storage_unavailable') {
        if (!this.#pending.has(`${sessionId}/${part}`))
          await this.sessions.addEvent(
            sessionId,
            'storage.unavailable',
            'caller',
            'full-quality copy kept, not yet stored; will retry',
          );
        this.#pending.set(`${sessionId}/${part}`, { sessionId, part, chunks, mimeType });
      }
      throw err;
    }
  }

  /** Retries the completions that storage refused (see complete). */
  async retryPending(): Promise<void> {
    for (const p of [...this.#pending.values()]) {
      await this.complete(p.sessionId, p.part, p.chunks, p.mimeType).catch(() => {});
    }
  }

  /**
   * Stores the copies whose phone never said they were complete (the battery died, the page
   * was closed, the phone lost its network for good): once the session is over and its grace
   * period has passed, what arrived in order is joined and stored like any other copy, and the
   * timeline says the server finished it. Only parts in this instance's own spool: the load
   * balancer keeps a caller's chunks on one instance. Returns how many were stored.
   */
  async finishAbandoned(): Promise<number> {
    let stored = 0;
    const failures: unknown[] = [];
    for (const sessionId of await readdir(this.settings.spoolDir).catch(() => [] as string[])) {
      const parts = await readdir(join(this.settings.spoolDir, sessionId)).catch(() => [] as string[]);
      if (!parts.length) continue;
      const session = await this.sessions.get(sessionId).catch(() => null);
      // Open (or within the grace period) the phone may still finish; disposed, nothing may be kept.
      if (!session || session.disposed_at !== null || (await this.canStillSend(sessionId))) continue;
      const done = await this.completedParts(sessionId);
      for (const part of parts.filter((p) => PART.test(p))) {
        const key = `${sessionId}/${part}`;
        if (this.#unjoinable.has(key)) continue;
        if (done.has(part)) {
          await this.noteLeftovers(sessionId, part); // stored elsewhere: what is here was not part of it
          continue;
        }
        const chunks = await this.db
          .selectFrom('device_copy_chunks')
          .select((eb) => eb.fn.max<number>('seq').as('last'))
          .where('session_id', '=', sessionId)
          .where('part', '=', part)
          .executeTakeFirst();
        const dir = join(this.settings.spoolDir, sessionId, part);
        if (chunks?.last === null || chunks?.last === undefined) {
          await rm(dir, { recursive: true, force: true }); // only an interrupted write: no chunk was taken
          continue;
        }
        const container = await this.containerOf(join(dir, '0.chunk')).catch(() => null);
        if (!container) {
          await this.noteLeftovers(sessionId, part, "its first chunk is not in this instance's spool");
          continue;
        }
        const mimeType = container === 'mp4' ? 'video/mp4' : 'video/webm';
        try {
          await this.joinOnce(sessionId, part, Number(chunks.last) + 1, mimeType, 'server');
          stored++;
        } catch (err) {
          if (err instanceof DomainError && err.code === 'session_ended')
            // Chunk 0's file is here but its record is not (a crash between the two): nothing to join.
            await this.noteLeftovers(sessionId, part, 'its first chunk was never recorded as received');
          // Storage refusing is tried again at the next sweep; anything else is reported.
          else if (!(err instanceof DomainError && err.code === 'storage_unavailable')) failures.push(err);
        }
      }
    }
    if (failures.length) throw new AggregateError(failures, `${failures.length} abandoned copies not stored`);
    return stored;
  }

  /**
   * Chunk files of a part left in this instance's spool that are not in a stored copy: noted
   * once on the session's timeline (kept, never deleted unseen); the folder goes when empty.
   */
  private async noteLeftovers(
    sessionId: string,
    part: string,
    why = 'they were not part of the stored copy',
  ): Promise<void> {
    const dir = join(this.settings.spoolDir, sessionId, part);
    const left = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.chunk'));
    if (!left.length) {
      await rm(dir, { recursive: true, force: true });
      return;
    }
    const key = `${sessionId}/${part}`;
    if (this.#unjoinable.has(key)) return;
    this.#unjoinable.add(key);
    await this.sessions.addEvent(
      sessionId,
      'device_copy.unjoinable',
      'system',
      `part ${part}: ${left.length} chunks kept in this instance's spool (${left.slice(0, 10).join(', ')}${left.length > 10 ? ', …' : ''}) cannot be joined: ${why}`,
    );
  }

  /** One join per part at a time: a second caller waits for the first and gets its result. */
  private joinOnce(
    sessionId: string,
    part: string,
    chunks: number,
    mimeType: string,
    by: 'phone' | 'server',
  ): Promise<{ evidenceId: string }> {
    const key = `${sessionId}/${part}`;
    const running = this.#joining.get(key);
    if (running) return running;
    const join = this.joinAndStore(sessionId, part, chunks, mimeType, by).finally(() =>
      this.#joining.delete(key),
    );
    this.#joining.set(key, join);
    return join;
  }

  private async joinAndStore(
    sessionId: string,
    part: string,
    chunks: number,
    mimeType: string,
    by: 'phone' | 'server',
  ): Promise<{ evidenceId: string }> {
    this.checkPart(part);
    const already = await this.db
      .selectFrom('evidence_items')
      .select(['id', 'metadata'])
      .where('session_id', '=', sessionId)
      .where('kind', '=', 'device-copy')
      .execute();
    const found = already.find(
      (i) => i.metadata && (JSON.parse(i.metadata) as { part?: string }).part === part,
    );
    if (found) return { evidenceId: found.id };
    const dir = join(this.settings.spoolDir, sessionId, part);
    const rows = await this.db
      .selectFrom('device_copy_chunks')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('part', '=', part)
      .orderBy('seq')
      .execute();
    const missing = Array.from({ length: chunks }, (_, i) => i).filter(
      (i) => !rows.some((r) => Number(r.seq) === i),
    );
    if (missing.length && (await this.canStillSend(sessionId))) {
      throw new DomainError('conflict', `chunks still missing: ${missing.slice(0, 20).join(', ')}`);
    }
    // Once no more chunks can come (the grace period is over), what arrived in order is kept.
    // And what is in order on this instance: if the balancer moved this caller while its
    // instance was down, later chunks are on another, which notes them as unjoinable.
    const arrived = missing.length ? missing[0]! : chunks;
    let taken = arrived;
    for (let seq = 0; seq < arrived; seq++)
      if (!(await exists(join(dir, `${seq}.chunk`)))) {
        taken = seq;
        break;
      }
    if (taken === 0) throw new DomainError('session_ended', 'the first chunk never arrived in time');
    const container = await this.containerOf(join(dir, '0.chunk'));
    const ext: RecordingContainer = mimeType.includes('mp4') ? 'mp4' : 'webm';
    if (container !== ext)
      throw new DomainError('bad_request', `the recording is ${container ?? 'unknown'}, not ${mimeType}`);
    const joined = join(dir, 'joined');
    await this.health.guard('spool', () =>
      joinChunks(
        rows.slice(0, taken).map((r) => join(dir, `${r.seq}.chunk`)),
        joined,
      ),
    );
    const name = `device-copy-${part.slice(0, 8)}.${ext}`;
    const key = `sessions/${sessionId}/device-copy/${name}`;
    const stored = await this.ledger.storeVerified(key, () => this.ledger.store.putFile(key, joined));
    const evidenceId = await this.ledger.record(
      {
        sessionId,
        recordingId: null,
        kind: 'device-copy',
        fileName: name,
        mediaType: ext === 'mp4' ? 'video/mp4' : 'video/webm',
        derivedFrom: [],
        durationMs: null,
        metadata: {
          part,
          mimeType,
          chunks: rows
            .slice(0, taken)
            .map((r) => ({ seq: Number(r.seq), size: Number(r.size), sha256: r.sha256 })),
          ...(taken < chunks ? { truncated: { announced: chunks, missingFrom: taken } } : {}),
          ...(by === 'server' ? { completedBy: 'server' } : {}),
        },
        auditDetail: { part, chunks: taken, ...(by === 'server' ? { completedBy: 'server' } : {}) },
      },
      stored,
    );
    await this.sessions.addEvent(
      sessionId,
      'device_copy.stored',
      'caller',
      `${name}: ${taken} chunks, ${(await stat(joined)).size} bytes${taken < chunks ? ` (chunks from ${taken} ${taken < arrived ? 'are not on this instance' : 'never arrived'})` : ''}${by === 'server' ? '; the phone never said it had finished, so the server stored what had arrived in order' : ''}`,
    );
    // Only what was joined goes: chunks after a gap (the rest of a part split across instances)
    // stay, and the timeline says so.
    await rm(joined, { force: true });
    for (const r of rows.slice(0, taken)) await rm(join(dir, `${r.seq}.chunk`), { force: true });
    await this.noteLeftovers(sessionId, part);
    this.onStored(sessionId);
    return { evidenceId };
  }

  private async completedParts(sessionId: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('evidence_items')
      .select('metadata')
      .where('session_id', '=', sessionId)
      .where('kind', '=', 'device-copy')
      .execute();
    return new Set(rows.map((r) => (r.metadata ? (JSON.parse(r.metadata) as { part: string }).part : '')));
  }

  private checkPart(part: string): void {
    if (!PART.test(part)) throw new DomainError('bad_request', 'bad part id');
  }

  /** Refuses chunks once the session is over, except a started part within the grace period. */
  private async requireOpen(sessionId: string, part: string): Promise<void> {
    const s = await this.sessions.get(sessionId);
    if (s.disposed_at !== null) throw new DomainError('session_ended', 'this session no longer takes files');
    if (!CLOSED.has(s.state)) return;
    const endedAt = Number(s.ended_at ?? s.refused_at ?? s.expires_at);
    const started = await this.db
      .selectFrom('device_copy_chunks')
      .select('seq')
      .where('session_id', '=', sessionId)
      .where('part', '=', part)
      .executeTakeFirst();
    if (!started || this.clock.now() > endedAt + DEVICE_COPY_GRACE_MS)
      throw new DomainError('session_ended', 'the call has ended; the phone copy can no longer be sent');
  }

  /** Whether missing chunks may still arrive (the session is open or within the grace period). */
  private async canStillSend(sessionId: string): Promise<boolean> {
    const s = await this.sessions.get(sessionId);
    if (s.disposed_at !== null) return false;
    if (!CLOSED.has(s.state)) return true;
    return this.clock.now() <= Number(s.ended_at ?? s.refused_at ?? s.expires_at) + DEVICE_COPY_GRACE_MS;
  }

  private async usedBytes(sessionId: string): Promise<number> {
    const row = await this.db
      .selectFrom('device_copy_chunks')
      .select((eb) => eb.fn.sum<number>('size').as('total'))
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    return Number(row?.total ?? 0);
  }

  /** Throws 413; the first time per session, the console's timeline says the copy stopped at the limit. */
  private async refuseOverLimit(sessionId: string): Promise<never> {
    const mb = Math.round(this.settings.maxSessionBytes / 1048576);
    if (!this.#limitNoted.has(sessionId)) {
      this.#limitNoted.add(sessionId);
      await this.sessions.addEvent(sessionId, 'device_copy.limit', 'caller', `stopped at ${mb} MB`);
    }
    throw new DomainError('message_too_large', `the phone copy is limited to ${mb} MB per call`);
  }

  private async containerOf(path: string): Promise<RecordingContainer | null> {
    const fh = await open(path, 'r');
    try {
      const head = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await fh.read(head, 0, HEAD_BYTES, 0);
      return sniffRecording(head.subarray(0, bytesRead));
    } finally {
      await fh.close();
    }
  }
}

class OverLimit extends Error {}

/** Why a chunk cannot be part of a phone recording, or null if it can. */
function checkContent(seq: number, head: Buffer): string | null {
  if (seq === 0) return sniffRecording(head) ? null : 'the phone copy must be a WebM or MP4 recording';
  return startsAnotherFile(head) ? 'this chunk starts another file, not the rest of the recording' : null;
}

/**
 * Concatenates files into `target` through one file handle. (A pipeline() per chunk
 * into one shared write stream added listeners to it for every chunk, which tripped
 * Node's MaxListenersExceededWarning on any copy of more than ten chunks.)
 */
async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function joinChunks(sources: string[], target: string): Promise<void> {
  const out = await open(target, 'w', 0o600);
  try {
    for (const source of sources) {
      for await (const data of createReadStream(source)) await out.write(data as Buffer);
    }
    await out.sync();
  } finally {
    await out.close();
  }
}
