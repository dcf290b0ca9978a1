import type { Readable } from 'node:stream';
import type { EvidenceStore, Protection, PutFileOptions, StoredObject } from './evidence-store.js';
import type { StorageHealth } from './storage-health.js';

/**
 * An evidence store whose writes report to StorageHealth: a full or read-only store
 * becomes a clear `storage_unavailable` error and an alert instead of a bare ENOSPC,
 * and the first write that succeeds again clears the alert.
 */
export class MonitoredEvidenceStore implements EvidenceStore {
  constructor(
    private readonly inner: EvidenceStore,
    private readonly health: StorageHealth,
  ) {
    // A bucket is probed by asking it, not by writing into a local directory.
    if (inner.probe) health.probeWith('evidence', () => inner.probe!());
  }

  get kind(): string {
    return this.inner.kind;
  }

  putFile(key: string, sourcePath: string, opts?: PutFileOptions): Promise<StoredObject> {
    return this.health.guard('evidence', () => this.inner.putFile(key, sourcePath, opts));
  }

  putBytes(key: string, bytes: Uint8Array): Promise<StoredObject> {
    return this.health.guard('evidence', () => this.inner.putBytes(key, bytes));
  }

  read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    return this.inner.read(key, range);
  }

  size(key: string): Promise<number> {
    return this.inner.size(key);
  }

  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }

  hash(key: string): Promise<string> {
    return this.inner.hash(key);
  }

  dispose(key: string): Promise<void> {
    return this.inner.dispose(key);
  }

  protect(key: string, p: Protection): Promise<void> {
    return this.inner.protect(key, p);
  }

  protection(key: string): Promise<Protection> {
    return this.inner.protection(key);
  }
}
