import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../adapters/clock.js';
import type { Db } from '../adapters/db/database.js';
import type { EvidenceLedger } from '../evidence/evidence-ledger.js';
import { DomainError } from '../lib/errors.js';
import type { SessionService } from '../sessions/session.service.js';

const MAX_CHUNK = 16 * 1024 * 1024;
const PART = /^[A-Za-z0-9_-]{6,40}$/;

/**
 * The full-quality copy the phone records locally (MediaRecorder) and sends in
 * numbered chunks whenever the network allows, during or after the call. Each
 * chunk is hashed on arrival; sending one again is harmless (same bytes → ok,
 * different bytes → refused). When the phone says it is complete, the chunks are
 * joined in order and stored as a "device copy" with every chunk's hash.
 */
export class DeviceCopyService {
  constructor(
    private readonly db: Db,
    private readonly ledger: EvidenceLedger,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
    private readonly spoolDir: string,
    private readonly onStored: (sessionId: string) => void,
  ) {}

  async putChunk(
    sessionId: string,
    part: string,
    seq: number,
    body: Readable,
    claimedSha: string | null,
  ): Promise<{ sha256: string; size: number }> {
    this.checkPart(part);
    await this.requireOpen(sessionId);
    const dir = join(this.spoolDir, sessionId, part);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = join(dir, `${seq}.incoming-${process.pid}-${Date.now()}`);
    const hash = createHash('sha256');
    let size = 0;
    const counter = async function* (src: Readable) {
      for await (const c of src) {
        const chunk = c as Buffer;
        size += chunk.length;
        if (size > MAX_CHUNK) throw new DomainError('message_too_large', 'chunks are at most 16 MB');
        hash.update(chunk);
        yield chunk;
      }
    };
    try {
      await pipeline(body, counter, createWriteStream(temp, { mode: 0o600 }));
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    const sha256 = hash.digest('hex');
    if (claimedSha && claimedSha !== sha256) {
      await rm(temp, { force: true });
      throw new DomainError('bad_request', 'the chunk did not arrive intact (hash mismatch); send it again');
    }
    const existing = await this.db
      .selectFrom('device_copy_chunks')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('part', '=', part)
      .where('seq', '=', seq)
      .executeTakeFirst();
    if (existing) {
      await rm(temp, { force: true });
      if (existing.sha256 !== sha256)
        throw new DomainError('conflict', `chunk ${seq} was already received with different content`);
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

  /** Joins chunks 0…n-1 into one file and stores it as evidence (once). */
  async complete(
    sessionId: string,
    part: string,
    chunks: number,
    mimeType: string,
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
    if (missing.length)
      throw new DomainError('conflict', `chunks still missing: ${missing.slice(0, 20).join(', ')}`);
    const dir = join(this.spoolDir, sessionId, part);
    const joined = join(dir, 'joined');
    const out = createWriteStream(joined, { mode: 0o600 });
    for (const r of rows.slice(0, chunks)) {
      await pipeline(createReadStream(join(dir, `${r.seq}.chunk`)), out, { end: false });
    }
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
    const ext = mimeType.includes('mp4') ? 'mp4' : 'webm';
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
            .slice(0, chunks)
            .map((r) => ({ seq: Number(r.seq), size: Number(r.size), sha256: r.sha256 })),
        },
        auditDetail: { part, chunks },
      },
      stored,
    );
    await this.sessions.addEvent(
      sessionId,
      'device_copy.stored',
      'caller',
      `${name}: ${chunks} chunks, ${(await stat(joined)).size} bytes`,
    );
    await rm(dir, { recursive: true, force: true });
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

  private async requireOpen(sessionId: string): Promise<void> {
    const s = await this.sessions.get(sessionId);
    if (s.disposed_at !== null) throw new DomainError('session_ended', 'this session no longer takes files');
  }
}
