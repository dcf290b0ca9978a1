import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  sha256: string;
  size: number;
}

/**
 * Write-once storage for evidence files. Implementations never overwrite or
 * modify an object; `put` on an existing key fails.
 */
export interface EvidenceStore {
  readonly kind: string;
  /** Copies a local file in, hashing the bytes as they are written. */
  putFile(key: string, sourcePath: string): Promise<StoredObject>;
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
}

/** Keys are relative paths of safe segments; nothing can escape the store root. */
export function assertSafeKey(key: string): void {
  if (
    !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(key) ||
    key.split('/').some((s) => s === '.' || s === '..')
  ) {
    throw new Error(`unsafe evidence key "${key}"`);
  }
}
