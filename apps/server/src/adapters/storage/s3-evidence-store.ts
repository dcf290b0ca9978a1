import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectLegalHoldCommand,
  PutObjectRetentionCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Clock } from '../clock.js';
import {
  assertSafeKey,
  EvidenceExistsError,
  EvidenceLockedError,
  type EvidenceStore,
  isLocked,
  type Protection,
  type StoredObject,
  UNPROTECTED,
} from './evidence-store.js';
import { errorName, isMissing, putObject, type ReadPart } from './s3-put.js';

export type ObjectLockMode = 'off' | 'governance' | 'compliance';

export interface S3StoreSettings {
  bucket: string;
  /** Prepended to every key: '' or ending in '/'. */
  prefix: string;
  /** Objects larger than this go up in parts of this size (S3's minimum is 5 MiB). */
  partSize: number;
  /** Whether (and how) objects are locked; the bucket must have been created with Object Lock. */
  objectLock: ObjectLockMode;
}

/**
 * Evidence in an S3-compatible bucket. Write-once (a put is conditional, If-None-Match: *,
 * after a check that the key is free, for servers that ignore the condition); every
 * object and every part carries its SHA-256 so the bucket checks the bytes on arrival;
 * reads stream straight from the bucket, ranges included. With Object Lock, `protect`
 * sets retention dates and legal holds, and disposal deletes every version of a key.
 */
export class S3EvidenceStore implements EvidenceStore {
  readonly kind = 's3';

  constructor(
    private readonly client: S3Client,
    private readonly s: S3StoreSettings,
    private readonly clock: Clock,
  ) {}

  /** Reachable: the bucket answers (the health probe while the store is down). */
  async probe(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.s.bucket }), {
      abortSignal: AbortSignal.timeout(5_000),
    });
  }

  /** Checks at boot that the bucket is there, and has Object Lock when the settings use it. */
  async verifyBucket(): Promise<void> {
    const where = `bucket "${this.s.bucket}"`;
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.s.bucket }));
    } catch (err) {
      throw new Error(`evidence store: cannot reach ${where}: ${errorName(err)} (${String(err)})`);
    }
    if (this.s.objectLock === 'off') return;
    const lock = await this.client
      .send(new GetObjectLockConfigurationCommand({ Bucket: this.s.bucket }))
      .catch(() => null);
    if (lock?.ObjectLockConfiguration?.ObjectLockEnabled !== 'Enabled')
      throw new Error(
        `evidence store: SIGHTLINE_S3_OBJECT_LOCK is ${this.s.objectLock} but ${where} does not have Object Lock enabled (it can only be enabled when the bucket is created)`,
      );
  }

  async putFile(key: string, sourcePath: string): Promise<StoredObject> {
    const fh = await open(sourcePath, 'r');
    try {
      const { size } = await fh.stat();
      const read: ReadPart = async (offset, length) => {
        const buf = Buffer.allocUnsafe(length);
        let got = 0;
        while (got < length) {
          const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
          if (bytesRead === 0) throw new Error(`${sourcePath} shrank while it was being stored`);
          got += bytesRead;
        }
        return buf;
      };
      return await this.put(key, size, read);
    } finally {
      await fh.close();
    }
  }

  async putBytes(key: string, bytes: Uint8Array): Promise<StoredObject> {
    const all = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return this.put(key, all.length, async (offset, length) => all.subarray(offset, offset + length));
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    try {
      const r = await this.client.send(
        new GetObjectCommand({
          Bucket: this.s.bucket,
          Key: this.objectKey(key),
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      // In Node the body is the HTTP response itself: bytes flow from the bucket as they are read.
      const body = r.Body as Readable;
      return range ? exactRange(body, range, r.ContentRange, Number(r.ContentLength)) : body;
    } catch (err) {
      throw isMissing(err) ? missing(key) : err;
    }
  }

  async size(key: string): Promise<number> {
    const head = await this.head(key);
    if (!head) throw missing(key);
    return head.size;
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== null;
  }

  async hash(key: string): Promise<string> {
    const hash = createHash('sha256');
    await pipeline(await this.read(key), hash);
    return hash.digest('hex');
  }

  async dispose(key: string): Promise<void> {
    const Key = this.objectKey(key);
    if (this.s.objectLock === 'off') {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.s.bucket, Key }));
      return;
    }
    const lock = await this.protection(key);
    if (isLocked(lock, this.clock.now())) throw new EvidenceLockedError(key, lock);
    // An Object Lock bucket is versioned: a plain delete would only hide the bytes behind a
    // delete marker. Disposal removes every version of this exact key (and any marker).
    for (const VersionId of await this.versions(Key)) {
      try {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.s.bucket, Key, VersionId }));
      } catch (err) {
        if (errorName(err) === 'AccessDenied')
          throw new EvidenceLockedError(
            key,
            lock,
            'the bucket refused the delete (AccessDenied: Object Lock)',
          );
        throw err;
      }
    }
  }

  async protect(key: string, p: Protection): Promise<void> {
    if (this.s.objectLock === 'off' || !(await this.exists(key))) return;
    const Key = this.objectKey(key);
    const now = await this.protection(key);
    if (now.legalHold !== p.legalHold)
      await this.client.send(
        new PutObjectLegalHoldCommand({
          Bucket: this.s.bucket,
          Key,
          LegalHold: { Status: p.legalHold ? 'ON' : 'OFF' },
        }),
      );
    // Only ever later: compliance mode cannot be shortened, and governance is never bypassed here.
    if (p.retainUntil !== null && (now.retainUntil === null || p.retainUntil > now.retainUntil))
      await this.client.send(
        new PutObjectRetentionCommand({
          Bucket: this.s.bucket,
          Key,
          Retention: {
            Mode: this.s.objectLock === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE',
            RetainUntilDate: new Date(p.retainUntil),
          },
        }),
      );
  }

  async protection(key: string): Promise<Protection> {
    if (this.s.objectLock === 'off') return UNPROTECTED;
    const Bucket = this.s.bucket;
    const Key = this.objectKey(key);
    // No lock on it, or no object at all (a disposal interrupted before its database update).
    const none = (err: unknown) => {
      if (errorName(err) === 'NoSuchObjectLockConfiguration' || isMissing(err)) return null;
      throw err;
    };
    const [retention, hold] = await Promise.all([
      this.client.send(new GetObjectRetentionCommand({ Bucket, Key })).catch(none),
      this.client.send(new GetObjectLegalHoldCommand({ Bucket, Key })).catch(none),
    ]);
    const until = retention?.Retention?.RetainUntilDate;
    return {
      retainUntil: until ? new Date(until).getTime() : null,
      legalHold: hold?.LegalHold?.Status === 'ON',
    };
  }

  private async put(key: string, size: number, read: ReadPart): Promise<StoredObject> {
    const Key = this.objectKey(key);
    // The check for servers that ignore If-None-Match; where it is honoured the put itself is atomic.
    if (await this.exists(key)) throw new EvidenceExistsError(key);
    const sha256 = await putObject(
      this.client,
      { Bucket: this.s.bucket, Key },
      size,
      read,
      this.s.partSize,
    ).catch((err: unknown) => {
      const name = errorName(err);
      throw name === 'PreconditionFailed' || name === 'ConditionalRequestConflict'
        ? new EvidenceExistsError(key)
        : err;
    });
    return { key, sha256, size };
  }

  private async head(key: string): Promise<{ size: number } | null> {
    try {
      const r = await this.client.send(
        new HeadObjectCommand({ Bucket: this.s.bucket, Key: this.objectKey(key) }),
      );
      return { size: Number(r.ContentLength ?? 0) };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  /** Every version id (objects and delete markers) stored under exactly `Key`. */
  private async versions(Key: string): Promise<string[]> {
    const ids: string[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    for (;;) {
      const page = await this.client.send(
        new ListObjectVersionsCommand({ Bucket: this.s.bucket, Prefix: Key, KeyMarker, VersionIdMarker }),
      );
      for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])])
        if (v.Key === Key && v.VersionId) ids.push(v.VersionId);
      if (!page.IsTruncated) return ids;
      KeyMarker = page.NextKeyMarker;
      VersionIdMarker = page.NextVersionIdMarker;
    }
  }

  private objectKey(key: string): string {
    assertSafeKey(key);
    return `${this.s.prefix}${key}`;
  }
}

/**
 * The range asked for, or an error: a server that answers with more than asked (s3rver
 * sends the whole object for "bytes=0-0") is cut to the length the HTTP route announced.
 */
function exactRange(
  body: Readable,
  range: { start: number; end: number },
  contentRange: string | undefined,
  length: number,
): Readable {
  const want = range.end - range.start + 1;
  if (length === want) return body;
  const from = Number(/^bytes (\d+)-/.exec(contentRange ?? '')?.[1]);
  if (from !== range.start || !(length > want)) {
    body.destroy();
    throw new Error(
      `the bucket answered bytes=${range.start}-${range.end} with ${contentRange ?? 'no range'}`,
    );
  }
  return Readable.from(take(body, want));
}

async function* take(body: Readable, bytes: number): AsyncGenerator<Buffer> {
  let left = bytes;
  try {
    for await (const chunk of body) {
      const b = chunk as Buffer;
      yield b.length <= left ? b : b.subarray(0, left);
      left -= Math.min(left, b.length);
      if (left === 0) return;
    }
  } finally {
    body.destroy();
  }
}

/** The same error a missing file gives in the local store. */
function missing(key: string): Error {
  return Object.assign(new Error(`evidence object "${key}" not found in the bucket`), { code: 'ENOENT' });
}
