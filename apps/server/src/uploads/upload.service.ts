import { createWriteStream } from 'node:fs';
import { mkdir, open, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { Random } from '../adapters/random.js';
import { type StorageHealth, storageProblem } from '../adapters/storage/storage-health.js';
import type { AuditService } from '../audit/audit.service.js';
import type { EvidenceLedger } from '../evidence/evidence-ledger.js';
import { DomainError, notFound } from '../lib/errors.js';
import type { SessionService } from '../sessions/session.service.js';
import { detachableBody } from './request-body.js';
import { extensionFor, sniffMediaType } from './sniff.js';

/** How long a PATCH's claim on an upload lasts without renewal (it renews while bytes flow). */
const WRITER_LEASE_MS = 60_000;
const RENEW_EVERY_MS = 15_000;
const CLOSED = new Set(['ended', 'expired', 'refused']);

export interface UploadSettings {
  spoolDir: string;
  maxBytes: number;
}

/**
 * Resumable uploads from the caller (the tus 1.0 core protocol): photos and
 * videos from the phone's camera or gallery. Bytes are appended to a spool file
 * as they arrive, so a dropped connection loses nothing already received; the
 * client asks for the offset and carries on. A finished file is checked by its
 * content, hashed, and stored as evidence. One PATCH writes at a time: it claims the
 * upload in the database at its offset first, and any other gets 409. Nothing is taken
 * once the session is over.
 */
export class UploadService {
  constructor(
    private readonly db: Db,
    private readonly ledger: EvidenceLedger,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly settings: UploadSettings,
    private readonly onStored: (sessionId: string) => void,
    private readonly health: StorageHealth,
  ) {}

  async create(
    sessionId: string,
    p: { length: number; fileName: string; declaredType: string | null },
  ): Promise<string> {
    await this.requireOpen(sessionId);
    if (p.length > this.settings.maxBytes)
      throw new DomainError(
        'message_too_large',
        `files up to ${Math.round(this.settings.maxBytes / 1048576)} MB`,
      );
    const id = this.random.id();
    await this.health.guard('spool', async () => {
      await mkdir(this.settings.spoolDir, { recursive: true, mode: 0o700 });
      await (await open(this.spool(id), 'wx', 0o600)).close();
    });
    await this.db
      .insertInto('uploads')
      .values({
        id,
        session_id: sessionId,
        file_name: p.fileName.slice(0, 200),
        declared_type: p.declaredType?.slice(0, 100) ?? null,
        length: p.length,
        offset: 0,
        state: 'receiving',
        created_at: this.clock.now(),
        completed_at: null,
        evidence_id: null,
        error: null,
      })
      .execute();
    await this.sessions.addEvent(
      sessionId,
      'upload.started',
      'caller',
      `${p.fileName.slice(0, 80)} (${p.length} bytes)`,
    );
    return id;
  }

  async status(sessionId: string, id: string) {
    const row = await this.row(sessionId, id);
    return { offset: Number(row.offset), length: Number(row.length), state: row.state };
  }

  /** Appends the body at `offset`; returns the new offset (what was received, even if the connection broke). */
  async append(sessionId: string, id: string, offset: number, body: Readable): Promise<number> {
    const row = await this.row(sessionId, id);
    await this.requireOpen(sessionId);
    if (row.state !== 'receiving') throw new DomainError('conflict', 'this upload is already complete');
    const writer = await this.claim(id, offset);
    const path = this.spool(id);
    let newOffset = offset;
    try {
      // The database's offset is the truth: bytes past it are from a write that was cut off.
      const onDisk = (await stat(path)).size;
      if (onDisk < offset) throw new DomainError('conflict', `wrong offset: the server has ${onDisk} bytes`);
      if (onDisk > offset) await truncate(path, offset);
      const room = Number(row.length) - offset;
      let seen = 0;
      let renewedAt = this.clock.now();
      const renew = () => this.renew(id, writer);
      const clock = this.clock;
      const limit = new Transform({
        transform(chunk: Buffer, _enc, done) {
          seen += chunk.length;
          if (seen > room)
            return done(new DomainError('message_too_large', 'more bytes than the upload declared'));
          if (clock.now() - renewedAt < RENEW_EVERY_MS) return done(null, chunk);
          renewedAt = clock.now();
          renew().then(
            () => done(null, chunk),
            (err: unknown) => done(err as Error),
          );
        },
      });
      let failure: unknown = null;
      const { source, discard } = detachableBody(body);
      await pipeline(source, limit, createWriteStream(path, { flags: 'a' })).catch((err: unknown) => {
        failure = err;
        discard(); // answer the client (409/413/507) instead of resetting its connection
      });
      newOffset = (await stat(path)).size;
      await this.db.updateTable('uploads').set({ offset: newOffset }).where('id', '=', id).execute();
      if (failure instanceof DomainError) throw failure;
      // A full or read-only spool: what arrived is kept, and the caller is told clearly.
      if (storageProblem(failure)) throw this.health.fail('spool', failure);
      if (!failure) this.health.ok('spool');
      if (newOffset === Number(row.length)) await this.finishOrKeep(row);
      return newOffset;
    } finally {
      await this.release(id, writer);
    }
  }

  /**
   * Claims the upload for one PATCH by a conditional update: it must still be receiving,
   * at exactly `offset`, with no live writer. Holds across instances sharing the database.
   */
  private async claim(id: string, offset: number): Promise<string> {
    const now = this.clock.now();
    const writer = this.random.id();
    const res = await this.db
      .updateTable('uploads')
      .set({ writer, writer_until: now + WRITER_LEASE_MS })
      .where('id', '=', id)
      .where('state', '=', 'receiving')
      .where('offset', '=', offset)
      .where((eb) => eb.or([eb('writer', 'is', null), eb('writer_until', '<', now)]))
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 1) return writer;
    const cur = await this.db
      .selectFrom('uploads')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    if (cur.state !== 'receiving') throw new DomainError('conflict', 'this upload is already complete');
    if (Number(cur.offset) !== offset)
      throw new DomainError('conflict', `wrong offset: the server has ${Number(cur.offset)} bytes`);
    throw new DomainError(
      'conflict',
      'another request is writing to this upload; ask for the offset and resume',
    );
  }

  /** Extends this PATCH's lease while bytes flow; fails if another writer has taken over. */
  private async renew(id: string, writer: string): Promise<void> {
    const res = await this.db
      .updateTable('uploads')
      .set({ writer_until: this.clock.now() + WRITER_LEASE_MS })
      .where('id', '=', id)
      .where('writer', '=', writer)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new DomainError(
        'conflict',
        'another request took over this upload; ask for the offset and resume',
      );
  }

  private async requireOpen(sessionId: string): Promise<void> {
    const s = await this.sessions.get(sessionId);
    if (s.disposed_at !== null || CLOSED.has(s.state))
      throw new DomainError('session_ended', 'the call has ended; files can no longer be sent');
  }

  /**
   * Stores uploads that arrived whole while the evidence store could not take them
   * (their spool files were kept). Runs when storage recovers and at start.
   */
  async retryPending(): Promise<number> {
    const waiting = await this.db
      .selectFrom('uploads')
      .selectAll()
      .where('state', '=', 'receiving')
      .whereRef('offset', '=', 'length')
      .execute();
    let stored = 0;
    for (const row of waiting) {
      let writer: string;
      try {
        writer = await this.claim(row.id, Number(row.length));
      } catch {
        continue; // someone is on it
      }
      try {
        await this.finish(row);
        stored++;
      } catch (err) {
        if (!(err instanceof DomainError && err.code === 'storage_unavailable')) throw err;
      } finally {
        await this.release(row.id, writer);
      }
    }
    return stored;
  }

  /** Finishes; if the evidence store cannot take it now, the spool file is kept for retryPending. */
  private async finishOrKeep(row: Parameters<UploadService['finish']>[0]): Promise<void> {
    try {
      await this.finish(row);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'storage_unavailable')
        await this.sessions.addEvent(
          row.session_id,
          'storage.unavailable',
          'caller',
          `${row.file_name}: received, not yet stored (${this.health.status.evidence.message ?? 'storage unavailable'}); kept, will retry`,
        );
      throw err;
    }
  }

  private async release(id: string, writer: string): Promise<void> {
    await this.db
      .updateTable('uploads')
      .set({ writer: null, writer_until: null })
      .where('id', '=', id)
      .where('writer', '=', writer)
      .execute();
  }

  private async finish(row: {
    id: string;
    session_id: string;
    file_name: string;
    declared_type: string | null;
  }): Promise<void> {
    const path = this.spool(row.id);
    const head = Buffer.alloc(32);
    const fh = await open(path, 'r');
    await fh.read(head, 0, 32, 0);
    await fh.close();
    const type = sniffMediaType(head);
    if (!type) {
      await this.db
        .updateTable('uploads')
        .set({ state: 'rejected', completed_at: this.clock.now(), error: 'not a photo or video' })
        .where('id', '=', row.id)
        .execute();
      await this.audit.record({
        actor: { type: 'caller', sessionId: row.session_id },
        action: 'upload.rejected',
        subject: { type: 'session', id: row.session_id },
        detail: {
          uploadId: row.id,
          fileName: row.file_name,
          declaredType: row.declared_type,
          reason: 'content is not a photo or video',
        },
      });
      await this.sessions.addEvent(
        row.session_id,
        'upload.rejected',
        'caller',
        `${row.file_name}: not a photo or video`,
      );
      await rm(path, { force: true });
      throw new DomainError('bad_request', 'this file is not a photo or video');
    }
    const name = `upload-${row.id.slice(0, 8)}.${extensionFor(type)}`;
    const key = `sessions/${row.session_id}/uploads/${name}`;
    const stored = await this.ledger.storeVerified(key, () => this.ledger.store.putFile(key, path));
    const evidenceId = await this.ledger.record(
      {
        sessionId: row.session_id,
        recordingId: null,
        kind: 'caller-upload',
        fileName: name,
        mediaType: type,
        derivedFrom: [],
        durationMs: null,
        metadata: {
          uploadId: row.id,
          declaredName: row.file_name,
          declaredType: row.declared_type,
          sniffedType: type,
        },
        auditDetail: { uploadedBy: 'caller', declaredName: row.file_name },
      },
      stored,
    );
    await this.db
      .updateTable('uploads')
      .set({ state: 'stored', completed_at: this.clock.now(), evidence_id: evidenceId })
      .where('id', '=', row.id)
      .execute();
    await rm(path, { force: true });
    await this.sessions.addEvent(
      row.session_id,
      'upload.received',
      'caller',
      `${row.file_name} → ${name} (${type}, sha256 ${stored.sha256.slice(0, 12)}…)`,
    );
    this.onStored(row.session_id);
  }

  private async row(sessionId: string, id: string) {
    const row = await this.db
      .selectFrom('uploads')
      .selectAll()
      .where('id', '=', id)
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    if (!row) throw notFound('upload');
    return row;
  }

  private spool(id: string): string {
    return join(this.settings.spoolDir, `${id}.part`);
  }
}
