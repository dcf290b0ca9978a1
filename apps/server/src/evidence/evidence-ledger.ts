import type { EvidenceKind } from '@sightline/protocol';
import type { Clock } from '../adapters/clock.js';
import type { Random } from '../adapters/random.js';
import {
  EvidenceExistsError,
  type EvidenceStore,
  type StoredObject,
} from '../adapters/storage/evidence-store.js';
import { type AuditService, SYSTEM } from '../audit/audit.service.js';
import { NO_WEBHOOKS, type WebhookOutbox } from '../webhooks/webhook-outbox.js';
import type { EvidenceRepository } from './evidence.repository.js';

export interface NewItem {
  sessionId: string;
  recordingId: string | null;
  kind: EvidenceKind;
  fileName: string;
  mediaType: string;
  derivedFrom: string[];
  durationMs: number | null;
  metadata?: Record<string, unknown>;
  /** Extra facts for the audit entry. */
  auditDetail?: Record<string, unknown>;
}

/**
 * The only way evidence gets written: store the bytes, re-read them from the store
 * to check the hash, then record the item and audit it. Boring on purpose.
 */
export class EvidenceLedger {
  constructor(
    readonly store: EvidenceStore,
    private readonly repo: EvidenceRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly random: Random,
    /** Locks a new item as its session's retention and hold say (S3 Object Lock); absent, nothing is locked. */
    private readonly protection?: { item(sessionId: string, key: string): Promise<void> },
    /** The `evidence.stored` webhook is written with the item, in its transaction. */
    private readonly webhooks: WebhookOutbox = NO_WEBHOOKS,
  ) {}

  /**
   * Stores an object, then re-reads it from the store and checks the hash before anything refers
   * to it. Callers that know the hash the bytes must have (a master's final seal) compare it too.
   */
  async storeVerified(key: string, put: () => Promise<StoredObject>): Promise<StoredObject> {
    let stored: StoredObject;
    try {
      stored = await put();
    } catch (err) {
      if (!(err instanceof EvidenceExistsError)) throw err;
      // An earlier attempt stored this object and stopped before recording it (a crash, a
      // node killed between the put and the database write). Puts are atomic in both stores,
      // so the object is whole: take it as stored, by the hash of its own bytes. Callers with
      // an expected hash (masters and their final seal) still check it. Retrying the put
      // could only ever fail: evidence is never overwritten.
      return { key, sha256: await this.store.hash(key), size: await this.store.size(key) };
    }
    // An adopted file was hashed by reading it back from the store: that is this check already.
    if (stored.readBack) return stored;
    const reread = await this.store.hash(key);
    if (reread !== stored.sha256) throw new Error(`evidence store returned different bytes for ${key}`);
    return stored;
  }

  /** Records a stored object as an evidence item, with an audit entry. Returns the item id. */
  async record(item: NewItem, stored: StoredObject): Promise<string> {
    const id = this.random.id();
    const now = this.clock.now();
    await this.repo.insertItem(
      {
        id,
        session_id: item.sessionId,
        recording_id: item.recordingId,
        kind: item.kind,
        file_name: item.fileName,
        media_type: item.mediaType,
        storage_key: stored.key,
        sha256: stored.sha256,
        size: stored.size,
        created_at: now,
        derived_from: JSON.stringify(item.derivedFrom),
        duration_ms: item.durationMs,
        metadata: item.metadata ? JSON.stringify(item.metadata) : null,
      },
      (trx) =>
        this.webhooks.record(trx, {
          type: 'evidence.stored',
          sessionId: item.sessionId,
          occurredAt: now,
          data: { evidenceId: id, kind: item.kind, sha256: stored.sha256, size: stored.size },
        }),
    );
    await this.audit.record({
      actor: SYSTEM,
      action: 'evidence.store',
      subject: { type: 'evidence', id },
      detail: {
        sessionId: item.sessionId,
        kind: item.kind,
        fileName: item.fileName,
        sha256: stored.sha256,
        size: stored.size,
        derivedFrom: item.derivedFrom,
        store: this.store.kind,
        ...item.auditDetail,
      },
    });
    // The item is stored and recorded either way; a lock that failed is applied again by the
    // next classification, hold or review of the session, and the audit trail says so now.
    await this.protection?.item(item.sessionId, stored.key).catch((err: unknown) =>
      this.audit.record({
        actor: SYSTEM,
        action: 'evidence.protect_failed',
        subject: { type: 'evidence', id },
        detail: { sessionId: item.sessionId, error: err instanceof Error ? err.message : String(err) },
      }),
    );
    return id;
  }
}
