import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CannedResponse,
  type RecordedRequest,
  recordS3,
  type S3Engine,
  type S3Recorder,
  s3Error,
  startS3,
} from '@sightline/testkit/engines/s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/adapters/clock.js';
import { EvidenceExistsError, EvidenceLockedError } from '../src/adapters/storage/evidence-store.js';
import { type ObjectLockMode, S3EvidenceStore } from '../src/adapters/storage/s3-evidence-store.js';
import { PART, s3Client } from './s3-helpers.js';

/**
 * What the S3 store sends, where s3rver cannot check it: conditional writes, checksums and
 * Object Lock. A recording proxy between the store and s3rver keeps every request; where
 * a real S3 would answer differently (412 on a taken key, 403 on a locked object, Object
 * Lock documents), the proxy answers as S3 documents it.
 */
let work: string;
let s3: S3Engine;
let rec: S3Recorder;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 's3-requests-'));
  s3 = await startS3();
  rec = await recordS3(s3.endpoint);
});
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  rec.requests.length = 0;
});
afterAll(async () => {
  await rec?.stop();
  await s3?.stop();
  await rm(work, { recursive: true, force: true });
});

const store = (objectLock: ObjectLockMode = 'off') =>
  new S3EvidenceStore(
    s3Client(s3, rec.endpoint),
    { bucket: s3.bucket, prefix: 'req/', partSize: PART, objectLock },
    systemClock,
  );
/** Answers matching requests as `response` until the test ends (or the returned remover is called). */
const answer = (when: (r: RecordedRequest) => boolean, response: CannedResponse) => {
  const remove = rec.answer(when, response);
  cleanups.push(remove);
  return remove;
};
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const on = (method: string, key: string, sub?: string) => (r: RecordedRequest) =>
  r.method === method && r.path === `/${s3.bucket}/req/${key}` && (sub ? r.query.has(sub) : true);
const xml = (body: string) => ({ status: 200, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` });
const noLock = { status: 404, body: s3Error('NoSuchObjectLockConfiguration', 'none') };

describe('S3 store: write-once and checksums (the requests sent)', () => {
  it('a PUT is conditional (If-None-Match: *), under the prefix, and carries the SHA-256 of the bytes sent', async () => {
    const bytes = randomBytes(70_000);
    const stored = await store().putBytes('sessions/s1/a.webm', bytes);
    const puts = rec.requests.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(1);
    const put = puts[0]!;
    expect(put.path).toBe(`/${s3.bucket}/req/sessions/s1/a.webm`);
    expect(put.headers['if-none-match']).toBe('*');
    expect(put.size).toBe(bytes.length);
    // The checksum header is the SHA-256 of exactly the bytes on the wire, so S3 checks what it got.
    expect(put.headers['x-amz-checksum-sha256']).toBe(b64(put.sha256));
    expect(put.sha256).toBe(stored.sha256);
    // And the key was checked first, for servers that ignore If-None-Match (as s3rver does).
    expect(rec.requests.findIndex((r) => r.method === 'HEAD')).toBeLessThan(rec.requests.indexOf(put));
  });

  it('a file over the part size goes up in parts, each with its own SHA-256, completed conditionally', async () => {
    const path = join(work, 'big.mjr');
    await writeFile(path, randomBytes(2 * PART + 1));
    await store().putFile('sessions/s1/big.mjr', path);
    const create = rec.requests.find((r) => r.method === 'POST' && r.query.has('uploads'))!;
    expect(create.headers['x-amz-checksum-algorithm']).toBe('SHA256');
    const parts = rec.requests.filter((r) => r.method === 'PUT' && r.query.has('partNumber'));
    expect(parts.map((p) => p.size).sort((a, b) => a - b)).toEqual([1, PART, PART]);
    for (const p of parts) expect(p.headers['x-amz-checksum-sha256']).toBe(b64(p.sha256));
    const complete = rec.requests.find((r) => r.method === 'POST' && r.query.has('uploadId'))!;
    expect(complete.headers['if-none-match']).toBe('*');
    for (const p of parts)
      expect(complete.text).toContain(`<ChecksumSHA256>${b64(p.sha256)}</ChecksumSHA256>`);
  });

  it('a bucket that honours If-None-Match refuses a writer that lost a race (412): the put fails as EEXIST', async () => {
    answer(on('PUT', 'sessions/s1/race.json'), {
      status: 412,
      body: s3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold'),
    });
    await expect(store().putBytes('sessions/s1/race.json', Buffer.from('{}'))).rejects.toBeInstanceOf(
      EvidenceExistsError,
    );
  });

  it('bytes the bucket finds corrupted (BadDigest) fail the put', async () => {
    answer(on('PUT', 'sessions/s1/bad.json'), {
      status: 400,
      body: s3Error('BadDigest', 'The SHA256 you specified did not match the calculated checksum.'),
    });
    await expect(store().putBytes('sessions/s1/bad.json', Buffer.from('{}'))).rejects.toMatchObject({
      name: 'BadDigest',
    });
  });

  it('a part that fails aborts the multipart upload, and nothing is stored under the key', async () => {
    answer((r) => r.method === 'PUT' && r.query.get('partNumber') === '2', {
      status: 400,
      body: s3Error('BadDigest', 'checksum mismatch'),
    });
    const path = join(work, 'fails.mjr');
    await writeFile(path, randomBytes(PART + 1));
    const s = store();
    await expect(s.putFile('sessions/s1/fails.mjr', path)).rejects.toMatchObject({ name: 'BadDigest' });
    expect(rec.requests.some((r) => r.method === 'DELETE' && r.query.has('uploadId'))).toBe(true);
    expect(await s.exists('sessions/s1/fails.mjr')).toBe(false);
  });
});

describe('S3 store: Object Lock (requests sent; s3rver has no Object Lock)', () => {
  it('refuses at boot a bucket without Object Lock when the settings ask for it (s3rver itself answers)', async () => {
    await expect(store('compliance').verifyBucket()).rejects.toThrow(/does not have Object Lock enabled/);
    await store('off').verifyBucket();
    answer(
      (r) => r.method === 'GET' && r.query.has('object-lock'),
      xml(
        '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>',
      ),
    );
    await store('compliance').verifyBucket();
  });

  it('protect() sets a COMPLIANCE retention date and a legal hold on the object', async () => {
    const key = 'sessions/s2/master.mjr';
    await store().putBytes(key, Buffer.from('rtp'));
    answer(on('GET', key, 'retention'), noLock);
    answer(on('GET', key, 'legal-hold'), noLock);
    answer(on('PUT', key, 'retention'), { status: 200 });
    answer(on('PUT', key, 'legal-hold'), { status: 200 });
    const until = Date.UTC(2032, 0, 5);
    await store('compliance').protect(key, { retainUntil: until, legalHold: true });
    const retention = rec.requests.find(on('PUT', key, 'retention'))!;
    expect(retention.text).toContain('<Mode>COMPLIANCE</Mode>');
    expect(retention.text).toContain('<RetainUntilDate>2032-01-05T00:00:00');
    const hold = rec.requests.find(on('PUT', key, 'legal-hold'))!;
    expect(hold.text).toContain('<Status>ON</Status>');
    // S3 requires an integrity header on both (Content-MD5 or a flexible checksum).
    for (const r of [retention, hold])
      expect(Object.keys(r.headers).some((h) => h === 'content-md5' || h.startsWith('x-amz-checksum-'))).toBe(
        true,
      );
  });

  it('protect() never shortens a retention date, and releases a hold (GOVERNANCE mode)', async () => {
    const key = 'sessions/s3/master.mjr';
    await store().putBytes(key, Buffer.from('rtp'));
    answer(
      on('GET', key, 'retention'),
      xml(
        '<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2040-01-01T00:00:00.000Z</RetainUntilDate></Retention>',
      ),
    );
    answer(on('GET', key, 'legal-hold'), xml('<LegalHold><Status>ON</Status></LegalHold>'));
    answer(on('PUT', key, 'legal-hold'), { status: 200 });
    await store('governance').protect(key, { retainUntil: Date.UTC(2031, 0, 1), legalHold: false });
    expect(rec.requests.some(on('PUT', key, 'retention'))).toBe(false);
    expect(rec.requests.find(on('PUT', key, 'legal-hold'))?.text).toContain('<Status>OFF</Status>');
  });

  it('protect() on an object that is not there (a disposal cut short) locks nothing', async () => {
    await store('compliance').protect('sessions/gone/master.mjr', {
      retainUntil: Date.UTC(2032, 0, 1),
      legalHold: true,
    });
    expect(rec.requests.filter((r) => r.method === 'PUT')).toEqual([]);
  });

  it('dispose() refuses an object retained or held, naming why, and sends no DELETE', async () => {
    const key = 'sessions/s4/master.mjr';
    const retained = answer(
      on('GET', key, 'retention'),
      xml(
        '<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>2040-01-01T00:00:00.000Z</RetainUntilDate></Retention>',
      ),
    );
    answer(on('GET', key, 'legal-hold'), noLock);
    await expect(store('compliance').dispose(key)).rejects.toThrow(
      /refuses to delete "sessions\/s4\/master.mjr": Object Lock retains it until 2040-01-01/,
    );
    retained();
    answer(on('GET', key, 'retention'), noLock);
    answer(on('GET', key, 'legal-hold'), xml('<LegalHold><Status>ON</Status></LegalHold>'));
    await expect(store('compliance').dispose(key)).rejects.toThrow(/under an Object Lock legal hold/);
    expect(rec.requests.some((r) => r.method === 'DELETE')).toBe(false);
  });

  it('dispose() of an unlocked object deletes every version of that key (not a delete marker), and only that key', async () => {
    const key = 'sessions/s5/master.mjr';
    const full = `req/${key}`;
    answer(
      on('GET', key, 'retention'),
      xml(
        '<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>2020-01-01T00:00:00.000Z</RetainUntilDate></Retention>',
      ),
    );
    answer(on('GET', key, 'legal-hold'), xml('<LegalHold><Status>OFF</Status></LegalHold>'));
    answer(
      (r) => r.method === 'GET' && r.query.has('versions'),
      xml(
        `<ListVersionsResult><Name>${s3.bucket}</Name><Prefix>${full}</Prefix><IsTruncated>false</IsTruncated>` +
          `<Version><Key>${full}</Key><VersionId>v2</VersionId><IsLatest>true</IsLatest></Version>` +
          `<Version><Key>${full}</Key><VersionId>v1</VersionId><IsLatest>false</IsLatest></Version>` +
          `<Version><Key>${full}.sig</Key><VersionId>other</VersionId><IsLatest>true</IsLatest></Version>` +
          `<DeleteMarker><Key>${full}</Key><VersionId>dm1</VersionId><IsLatest>false</IsLatest></DeleteMarker>` +
          '</ListVersionsResult>',
      ),
    );
    answer((r) => r.method === 'DELETE' && r.query.has('versionId'), { status: 204 });
    await store('compliance').dispose(key);
    const deletes = rec.requests.filter((r) => r.method === 'DELETE');
    expect(deletes.map((d) => `${d.path}?${d.query.get('versionId')}`).sort()).toEqual(
      [`/${s3.bucket}/${full}?dm1`, `/${s3.bucket}/${full}?v1`, `/${s3.bucket}/${full}?v2`].sort(),
    );
    // Never with the header that overrides a governance lock.
    for (const d of deletes) expect(d.headers['x-amz-bypass-governance-retention']).toBeUndefined();
  });

  it('a DELETE the bucket refuses (AccessDenied) surfaces as a locked-evidence refusal', async () => {
    const key = 'sessions/s6/master.mjr';
    const full = `req/${key}`;
    answer(on('GET', key, 'retention'), noLock);
    answer(on('GET', key, 'legal-hold'), noLock);
    answer(
      (r) => r.method === 'GET' && r.query.has('versions'),
      xml(
        `<ListVersionsResult><IsTruncated>false</IsTruncated><Version><Key>${full}</Key><VersionId>v1</VersionId></Version></ListVersionsResult>`,
      ),
    );
    answer((r) => r.method === 'DELETE', {
      status: 403,
      body: s3Error('AccessDenied', 'Access Denied because object protected by object lock.'),
    });
    const err = await store('compliance')
      .dispose(key)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvidenceLockedError);
    expect((err as Error).message).toMatch(/bucket refused the delete \(AccessDenied: Object Lock\)/);
  });
});
