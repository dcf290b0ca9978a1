import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  sha256: string;
  size: number;
  /**
   * Set when `sha256` was computed by reading the object back from the store after it was
   * written and synced (not from the source as it was copied), so it already is the re-read
   * that EvidenceLedger.storeVerified would otherwise make.
   */
  readBack?: boolean;
}

export interface PutFileOptions {
  /**
   * The source is finished for good (closed by its writer, never written again) and the
   * caller gives it up: a local store on the same file system may hard-link it into place
   * instead of copying it. Any store may ignore this and copy.
   */
  adopt?: boolean;
}

/**
 * What a store's own lock (S3 Object Lock) keeps: the object cannot be deleted before
 * `retainUntil` (ms) nor while `legalHold` is on. The database's retention rules apply
 * either way; this is the storage refusing too, even to someone with the credentials.
 */
export interface Protection {
  retainUntil: number | null;
  legalHold: boolean;
}

export const UNPROTECTED: Protection = Object.freeze({ retainUntil: null, legalHold: false });

/**
 * Write-once storage for evidence files. Implementations never overwrite or
 * modify an object; `put` on an existing key fails.
 */
export interface EvidenceStore {
  readonly kind: string;
  /** Throws unless the store can be reached now (stores that are not a local directory). */
  probe?(): Promise<void>;
  /** Copies a local file in, hashing the bytes as they are written (or adopts it, see PutFileOptions). */
  putFile(key: string, sourcePath: string, opts?: PutFileOptions): Promise<StoredObject>;
  /** Stores bytes held in memory (small artefacts such as location tracks). */
  putBytes(key: string, bytes: Uint8Array): Promise<StoredObject>;
  /** Reads an object, or a byte range of it (inclusive end, as in HTTP Range). */
  read(key: string, range?: { start: number; end: number }): Promise<Readable>;
  size(key: string): Promise<number>;
  exists(key: string): Promise<boolean>;
  /** A fresh SHA-256 of the stored bytes, for verification. */
  hash(key: string): Promise<string>;
  /**
   * Deletes an object. Only the retention disposal job calls this, after the
   * policy allows it and with an audited disposal record: evidence is never
   * removed any other way.
   */
  dispose(key: string): Promise<void>;
  /**
   * Locks an object until a date and/or under legal hold. Only ever lengthens a lock:
   * a date earlier than the one set stays as it was (S3 refuses to shorten one).
   * Stores without a lock do nothing.
   */
  protect(key: string, p: Protection): Promise<void>;
  /** The lock on an object now (UNPROTECTED for stores without one). */
  protection(key: string): Promise<Protection>;
}

/** A put on a key that already holds an object (the store is write-once). */
export class EvidenceExistsError extends Error {
  override name = 'EvidenceExistsError';
  readonly code = 'EEXIST';
  constructor(readonly key: string) {
    super(`evidence object "${key}" already exists; evidence is never overwritten`);
  }
}

/**
 * The store's own directory is gone: its volume is not mounted, or was moved. The store never
 * makes it again, or evidence would land on whatever disk holds the empty mount point.
 */
export class EvidenceStoreGoneError extends Error {
  override name = 'EvidenceStoreGoneError';
  constructor() {
    super('the evidence directory is missing (is its volume mounted?)');
  }
}

/** A delete the store's lock refuses: retention date not reached, or under legal hold. */
export class EvidenceLockedError extends Error {
  override name = 'EvidenceLockedError';
  constructor(
    readonly key: string,
    readonly lock: Protection,
    detail = describeLock(lock),
  ) {
    super(`the evidence store refuses to delete "${key}": ${detail}`);
  }
}

/** "locked until 2032-01-05 and under legal hold", for refusals. */
export function describeLock(p: Protection): string {
  const parts: string[] = [];
  if (p.retainUntil !== null)
    parts.push(`Object Lock retains it until ${new Date(p.retainUntil).toISOString()}`);
  if (p.legalHold) parts.push('it is under an Object Lock legal hold');
  return parts.length ? parts.join(' and ') : 'the bucket refused the delete (Object Lock)';
}

/** Whether `p` forbids deleting at `now`. */
export const isLocked = (p: Protection, now: number) =>
  p.legalHold || (p.retainUntil !== null && p.retainUntil > now);

/** Keys are relative paths of safe segments; nothing can escape the store root. */
export function assertSafeKey(key: string): void {
  if (
    !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(key) ||
    key.split('/').some((s) => s === '.' || s === '..')
  ) {
    throw new Error(`unsafe evidence key "${key}"`);
  }
}
