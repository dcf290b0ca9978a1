import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { recordS3, type S3Engine, type S3Recorder, startS3 } from '@sightline/testkit/engines/s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/adapters/clock.js';
import { EvidenceExistsError, type EvidenceStore } from '../src/adapters/storage/evidence-store.js';
import { LocalEvidenceStore } from '../src/adapters/storage/local-evidence-store.js';
import { S3EvidenceStore } from '../src/adapters/storage/s3-evidence-store.js';
import { PART, s3Client } from './s3-helpers.js';

let work: string;
let s3: S3Engine;
let recorder: S3Recorder;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'store-contract-'));
  s3 = await startS3();
  recorder = await recordS3(s3.endpoint);
});
afterAll(async () => {
  await recorder?.stop();
  await s3?.stop();
  await rm(work, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
async function tempFile(bytes: Buffer): Promise<string> {
  const path = join(work, `src-${randomBytes(6).toString('hex')}`);
  await writeFile(path, bytes);
  return path;
}

const stores: Array<[string, () => EvidenceStore]> = [
  [
    'local directory',
    () => {
      mkdirSync(join(work, 'evidence'), { recursive: true });
      return new LocalEvidenceStore(join(work, 'evidence'));
    },
  ],
  [
    's3 bucket (s3rver)',
    () =>
      new S3EvidenceStore(
        s3Client(s3, recorder.endpoint),
        { bucket: s3.bucket, prefix: 'contract/', partSize: PART, objectLock: 'off' },
        systemClock,
      ),
  ],
];

describe.each(stores)('evidence store contract: %s', (_name, make) => {
  let store: EvidenceStore;
  beforeAll(() => {
    store = make();
  });
  const key = (name: string) => `sessions/${_name.split(' ')[0]}/${name}`;

  it('stores a file and reports its size and SHA-256, which hash() finds again by re-reading', async () => {
    const bytes = randomBytes(100_000);
    const stored = await store.putFile(key('a.mjr'), await tempFile(bytes));
    expect(stored).toEqual({ key: key('a.mjr'), sha256: sha(bytes), size: bytes.length });
    expect(await store.hash(key('a.mjr'))).toBe(sha(bytes));
    expect(await store.size(key('a.mjr'))).toBe(bytes.length);
    expect(await store.exists(key('a.mjr'))).toBe(true);
    expect(await store.exists(key('never-stored.mjr'))).toBe(false);
    expect(await bytesOf(await store.read(key('a.mjr')))).toEqual(bytes);
  });

  it('never overwrites: a second put on the same key is refused and the first bytes stay', async () => {
    const first = Buffer.from('first version of the evidence');
    await store.putBytes(key('once.json'), first);
    await expect(store.putBytes(key('once.json'), Buffer.from('replacement'))).rejects.toBeInstanceOf(
      EvidenceExistsError,
    );
    await expect(store.putFile(key('once.json'), await tempFile(randomBytes(64)))).rejects.toMatchObject({
      code: 'EEXIST',
    });
    expect(await bytesOf(await store.read(key('once.json')))).toEqual(first);
    expect(await store.hash(key('once.json'))).toBe(sha(first));
  });

  it('reads byte ranges (inclusive end, as HTTP Range): first byte, middle, last byte', async () => {
    const bytes = randomBytes(1_000_000);
    await store.putBytes(key('ranges.webm'), bytes);
    for (const [start, end] of [
      [0, 0],
      [123_456, 654_321],
      [bytes.length - 1, bytes.length - 1],
      [0, bytes.length - 1],
    ] as const) {
      const got = await bytesOf(await store.read(key('ranges.webm'), { start, end }));
      expect(got.equals(bytes.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
    }
  });

  it('stores a file larger than the S3 part size whole (multipart in S3) and hashes it whole', async () => {
    const bytes = randomBytes(2 * PART + 12_345);
    const stored = await store.putFile(key('big.mjr'), await tempFile(bytes));
    expect(stored.sha256).toBe(sha(bytes));
    expect(stored.size).toBe(bytes.length);
    expect(await store.hash(key('big.mjr'))).toBe(sha(bytes));
    // A range across the boundary between the first and second parts.
    const got = await bytesOf(await store.read(key('big.mjr'), { start: PART - 10, end: PART + 9 }));
    expect(got.equals(bytes.subarray(PART - 10, PART + 10))).toBe(true);
  });

  it('an empty file is stored too (a recording track that got no packet)', async () => {
    const stored = await store.putFile(key('empty.mjr'), await tempFile(Buffer.alloc(0)));
    expect(stored.size).toBe(0);
    expect(await store.hash(key('empty.mjr'))).toBe(sha(Buffer.alloc(0)));
  });

  it('disposes of an object: gone from exists/read/hash, and disposing again is harmless', async () => {
    await store.putBytes(key('doomed.json'), Buffer.from('{}'));
    await store.dispose(key('doomed.json'));
    expect(await store.exists(key('doomed.json'))).toBe(false);
    await expect(store.read(key('doomed.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(store.size(key('doomed.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    await store.dispose(key('doomed.json'));
  });

  it('without a lock, protect() does nothing and protection() says unprotected', async () => {
    await store.putBytes(key('kept.json'), Buffer.from('{}'));
    await store.protect(key('kept.json'), { retainUntil: Date.now() + 86_400_000, legalHold: true });
    expect(await store.protection(key('kept.json'))).toEqual({ retainUntil: null, legalHold: false });
  });

  it('refuses keys that could escape the store or its prefix', async () => {
    for (const bad of ['../x', 'a/../../b', '/abs', 'a//b', 'a b', '']) {
      await expect(store.putBytes(bad, Buffer.from('x')), bad).rejects.toThrow(/unsafe evidence key/);
    }
  });
});
