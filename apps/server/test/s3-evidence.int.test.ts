import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { type SyntheticCall, syntheticCall } from '@sightline/testkit/caller';
import {
  type RecordedRequest,
  recordS3,
  type S3Engine,
  type S3Recorder,
  s3Error,
  startS3,
} from '@sightline/testkit/engines/s3';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPackage } from '../src/evidence/export/verify-package.js';
import {
  connectCaller,
  eventually,
  jsonApi,
  type OfficerClient,
  signIn,
  startServer,
  TestClock,
  type TestServer,
} from './harness.js';
import { s3Client } from './s3-helpers.js';

// Issue 9 item 2: a real session's recording, upload, location track and export go to an S3
// bucket (s3rver) through the real server; playback reads ranges from the bucket; retention
// dates and legal holds become Object Lock requests, and disposal respects the lock. s3rver has
// no Object Lock, so a recording proxy in front of it answers the Object Lock requests as S3
// documents them (a date or hold per key; a locked version refuses DELETE with 403).

const DAY = 86_400_000;
const PREFIX = 'force-a';
const clock = new TestClock();
const source = new RtpSource();
let s3: S3Engine;
let rec: S3Recorder;
let s: TestServer;
let supervisor: OfficerClient;
let handler: OfficerClient;
let call: SyntheticCall;
let sessionId: string;
const upload = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(6 * 1024 * 1024)]);

/** Object Lock as the bucket would keep it, per object path. */
const locks = new Map<string, { until: number | null; hold: boolean }>();
const lockOf = (path: string) => locks.get(path) ?? { until: null, hold: false };
const xml = (body: string) => ({ status: 200, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` });
const noLock = { status: 404, body: s3Error('NoSuchObjectLockConfiguration', 'no lock on this object') };
const sub = (method: string, q: string) => (r: RecordedRequest) => r.method === method && r.query.has(q);

function emulateObjectLock(): void {
  rec.answer(
    sub('GET', 'object-lock'),
    xml('<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>'),
  );
  rec.answer(sub('PUT', 'retention'), (r) => {
    const until = /<RetainUntilDate>([^<]+)</.exec(r.text ?? '')?.[1];
    locks.set(r.path, { ...lockOf(r.path), until: until ? Date.parse(until) : null });
    return { status: 200 };
  });
  rec.answer(sub('PUT', 'legal-hold'), (r) => {
    locks.set(r.path, { ...lockOf(r.path), hold: /<Status>ON<\/Status>/.test(r.text ?? '') });
    return { status: 200 };
  });
  rec.answer(sub('GET', 'retention'), (r) => {
    const { until } = lockOf(r.path);
    return until === null
      ? noLock
      : xml(
          `<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>${new Date(until).toISOString()}</RetainUntilDate></Retention>`,
        );
  });
  rec.answer(sub('GET', 'legal-hold'), (r) =>
    locks.has(r.path)
      ? xml(`<LegalHold><Status>${lockOf(r.path).hold ? 'ON' : 'OFF'}</Status></LegalHold>`)
      : noLock,
  );
  // An unversioned s3rver object is S3's version "null"; its DELETE goes through to s3rver.
  rec.answer(sub('GET', 'versions'), (r) =>
    xml(
      `<ListVersionsResult><IsTruncated>false</IsTruncated><Version><Key>${r.query.get('prefix')}</Key><VersionId>null</VersionId></Version></ListVersionsResult>`,
    ),
  );
  rec.answer(
    (r) => {
      const l = lockOf(r.path);
      return r.method === 'DELETE' && (l.hold || (l.until !== null && l.until > clock.now()));
    },
    { status: 403, body: s3Error('AccessDenied', 'Access Denied because object protected by object lock.') },
  );
}

beforeAll(async () => {
  await source.start(ensureClip());
  s3 = await startS3();
  rec = await recordS3(s3.endpoint);
  emulateObjectLock();
  s = await startServer({
    clock,
    env: {
      ...s3.env({ endpoint: rec.endpoint, prefix: PREFIX }),
      SIGHTLINE_S3_OBJECT_LOCK: 'compliance',
      SIGHTLINE_S3_PART_SIZE_MB: '5',
      SIGHTLINE_SEAL_INTERVAL_SECONDS: '1',
      SIGHTLINE_TRUST_PROXY: 'loopback',
    },
  });
  handler = await signIn(s, ['call-handler']);
  supervisor = await signIn(s, ['supervisor']);
  call = await syntheticCall(s.url, jsonApi(handler), source);
  sessionId = call.sessionId;
  // Media must reach Janus before the session ends, or the recording is rightly 'empty': on a
  // loaded machine ICE has taken longer than the few seconds the steps below last.
  await eventually(async () => (await s.c.sessions.get(sessionId)).state === 'live', 60_000);
  expect((await tusUpload(call.cookie, upload, 'IMG_0042.jpg')).status).toBe(204);
  for (let i = 0; i < 3; i++) {
    await s.c.location.add(sessionId, {
      lat: 51.5 + i * 1e-4,
      lon: -0.12,
      accuracy: 6,
      altitude: null,
      altitudeAccuracy: null,
      heading: null,
      speed: null,
      fixTime: clock.now(),
    });
    await new Promise((r) => setTimeout(r, 1_000));
  }
  await s.c.sessions.end(sessionId, 'test over', { type: 'system' });
  call.hangUp();
  // Generous: with both integration passes side by side, ingest into the bucket has taken over 30 s.
  const stored = await eventually(
    async () => (await s.c.evidence.recordings(sessionId))[0]?.state === 'stored',
    90_000,
  ).catch(async (err: Error) => {
    const states = (await s.c.evidence.recordings(sessionId)).map((r) => r.state);
    throw new Error(`${err.message}: recording states ${JSON.stringify(states)}`);
  });
  expect(stored).toBe(true);
  await eventually(async () => (await s.c.evidence.list(sessionId)).some((i) => i.kind === 'location-track'));
}, 180_000);
afterAll(async () => {
  await s?.close();
  await rec?.stop();
  await s3?.stop();
  await source.stop();
});

/** Creates a tus upload and sends it whole; returns the PATCH's response. */
async function tusUpload(cookie: string, bytes: Buffer, name: string): Promise<Response> {
  const meta = `filename ${Buffer.from(name).toString('base64')},filetype ${Buffer.from('image/jpeg').toString('base64')}`;
  const created = await fetch(`${s.url}/api/uploads`, {
    method: 'POST',
    headers: {
      cookie,
      'tus-resumable': '1.0.0',
      'upload-length': String(bytes.length),
      'upload-metadata': meta,
    },
  });
  expect(created.status).toBe(201);
  return fetch(`${s.url}${created.headers.get('location')}`, {
    method: 'PATCH',
    headers: {
      cookie,
      'tus-resumable': '1.0.0',
      'upload-offset': '0',
      'content-type': 'application/offset+octet-stream',
    },
    body: bytes,
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const direct = () => s3Client(s3);
async function objectBytes(key: string): Promise<Buffer> {
  const r = await direct().send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${PREFIX}/${key}` }));
  const chunks: Buffer[] = [];
  for await (const c of r.Body as Readable) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
const inBucket = (key: string) =>
  direct()
    .send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${PREFIX}/${key}` }))
    .then(
      () => true,
      () => false,
    );
const items = () =>
  s.c.db
    .selectFrom('evidence_items')
    .select(['id', 'kind', 'storage_key', 'sha256', 'size', 'disposed_at'])
    .where('session_id', '=', sessionId)
    .execute();

describe('evidence in an S3 bucket, through the real server', () => {
  it('stores every item of a real session in the bucket, byte for byte, and nothing in the local evidence folder', async () => {
    const all = await items();
    expect(all.map((i) => i.kind).sort()).toEqual(
      expect.arrayContaining(['caller-upload', 'location-track', 'master', 'working-copy']),
    );
    for (const i of all) expect(sha(await objectBytes(i.storage_key)), i.storage_key).toBe(i.sha256);
    const localDir = join(s.dataDir, 'evidence');
    expect(existsSync(localDir) ? readdirSync(localDir) : []).toEqual([]);
    const audit = await s.c.db
      .selectFrom('audit_events')
      .select('detail')
      .where('action', '=', 'evidence.store')
      .execute();
    expect(audit.every((a) => (JSON.parse(a.detail ?? '{}') as { store: string }).store === 's3')).toBe(true);
  });

  it('sent each object write-once with its SHA-256; the 6 MB upload went up in two parts, each checksummed', async () => {
    const puts = rec.requests.filter(
      (r) =>
        r.method === 'PUT' &&
        r.path.includes(`/sessions/${sessionId}/`) &&
        !['partNumber', 'retention', 'legal-hold'].some((q) => r.query.has(q)),
    );
    expect(puts.length).toBeGreaterThanOrEqual(3);
    for (const p of puts) {
      expect(p.headers['if-none-match'], p.path).toBe('*');
      expect(p.headers['x-amz-checksum-sha256'], p.path).toBe(b64(p.sha256));
    }
    const key = (await items()).find((i) => i.kind === 'caller-upload')!.storage_key;
    const parts = rec.requests.filter(
      (r) => r.method === 'PUT' && r.path.endsWith(key) && r.query.has('partNumber'),
    );
    expect(parts.map((p) => p.size).sort((a, b) => a - b)).toEqual([
      upload.length - 5 * 1024 * 1024,
      5 * 1024 * 1024,
    ]);
    for (const p of parts) expect(p.headers['x-amz-checksum-sha256']).toBe(b64(p.sha256));
    expect(sha(await objectBytes(key))).toBe(sha(upload));
  });

  it('plays back byte ranges straight from the bucket (a ranged GET, not the whole object)', async () => {
    const master = (await s.c.evidence.list(sessionId)).find((i) => i.kind === 'working-copy')!;
    const viewing = (await (
      await supervisor.request('POST', `/api/evidence/${master.id}/viewings`)
    ).json()) as {
      url: string;
    };
    const key = (await items()).find((i) => i.id === master.id)!.storage_key;
    const whole = await objectBytes(key);
    const before = rec.requests.length;
    const res = await supervisor.request('GET', viewing.url, undefined, { range: 'bytes=100-1099' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 100-1099/${whole.length}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(whole.subarray(100, 1100))).toBe(true);
    const gets = rec.requests.slice(before).filter((r) => r.method === 'GET' && r.path.endsWith(key));
    expect(gets.map((g) => g.headers.range)).toEqual(['bytes=100-1099']);
    const first = await supervisor.request('GET', viewing.url, undefined, { range: 'bytes=0-0' });
    expect(Buffer.from(await first.arrayBuffer())).toEqual(whole.subarray(0, 1));
    const download = await supervisor.request('GET', `/api/evidence/${master.id}/content?download=1`);
    expect(sha(Buffer.from(await download.arrayBuffer()))).toBe(master.sha256);
  });

  it('builds an export from the bucket, keeps the package in the bucket, and the package verifies', async () => {
    const job = (await (
      await supervisor.request('POST', '/api/exports', { sessionIds: [sessionId], reason: 'CPS file 9' })
    ).json()) as { id: string };
    await eventually(async () => {
      const j = (await (await supervisor.request('GET', `/api/exports/${job.id}`)).json()) as {
        state: string;
        error: string | null;
      };
      if (j.state === 'failed') throw new Error(j.error ?? 'export failed');
      return j.state === 'done';
    }, 60_000);
    const res = await supervisor.request('GET', `/api/exports/${job.id}/download`);
    const zip = Buffer.from(await res.arrayBuffer());
    expect(sha(zip)).toBe(res.headers.get('x-content-sha256'));
    const stored = rec.requests.find(
      (r) => r.method !== 'GET' && r.path.includes(`/${PREFIX}/exports/${job.id}/`),
    );
    expect(stored?.path).toMatch(/\.zip$/);
    const dir = await mkdtemp(join(tmpdir(), 's3-export-'));
    try {
      await writeFile(join(dir, 'package.zip'), zip);
      const v = await verifyPackage(join(dir, 'package.zip'), s.c.signer.publicKeyPem);
      expect(v.problems).toEqual([]);
      expect(v.ok).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the bucket cannot be reached', () => {
  it('a file sent meanwhile gets 507 storage_unavailable and an alert, is kept, and is stored when the bucket answers again', async () => {
    const { sessionId: id, cookie, sock } = await connectCaller(s, handler);
    const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(200_000)]);
    // The bucket answers every request with 503, as S3 does when it cannot serve.
    const down = rec.answer(() => true, {
      status: 503,
      body: s3Error('ServiceUnavailable', 'Please reduce your request rate.'),
    });
    try {
      const res = await tusUpload(cookie, bytes, 'IMG_0043.jpg');
      expect(res.status).toBe(507);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('storage_unavailable');
      expect(s.c.storage.status.evidence).toMatchObject({
        state: 'unreachable',
        message: expect.stringMatching(/evidence store cannot be reached/),
      });
      const status = (await (await supervisor.request('GET', '/api/system/status')).json()) as {
        storage: { evidence: { state: string } };
      };
      expect(status.storage.evidence.state).toBe('unreachable');
    } finally {
      down();
    }
    // The health probe finds the bucket again, and what waited is stored, byte for byte.
    const stored = await eventually(
      async () => (await s.c.evidence.list(id)).find((i) => i.kind === 'caller-upload') ?? false,
      30_000,
    );
    expect(stored.sha256).toBe(sha(bytes));
    expect(s.c.storage.status.evidence.state).toBe('ok');
    sock.close();
  });
});

describe('Object Lock and disposal (lock requests answered by the proxy)', () => {
  const post = (path: string, body: unknown) => supervisor.request('POST', path, body);
  const objectPath = (key: string) => `/${s3.bucket}/${PREFIX}/${key}`;

  it('classification locks every object until its retention date; a legal hold holds each, and is released', async () => {
    expect(
      (await post(`/api/sessions/${sessionId}/classification`, { policyId: 'mopi-3', reason: 'theft' }))
        .status,
    ).toBe(200);
    const row = await s.c.db
      .selectFrom('sessions')
      .select('retain_until')
      .where('id', '=', sessionId)
      .executeTakeFirstOrThrow();
    for (const i of await items())
      expect(lockOf(objectPath(i.storage_key)).until, i.storage_key).toBe(Number(row.retain_until));
    const retention = rec.requests.filter(sub('PUT', 'retention'));
    expect(retention.every((r) => r.text?.includes('<Mode>COMPLIANCE</Mode>'))).toBe(true);

    expect(
      (await post(`/api/sessions/${sessionId}/hold`, { hold: true, reason: 'civil claim' })).status,
    ).toBe(200);
    for (const i of await items()) expect(lockOf(objectPath(i.storage_key)).hold).toBe(true);
    expect(
      (await post(`/api/sessions/${sessionId}/hold`, { hold: false, reason: 'claim settled' })).status,
    ).toBe(200);
    for (const i of await items()) expect(lockOf(objectPath(i.storage_key)).hold).toBe(false);
  });

  it('a shorter reclassification cannot shorten the lock: disposal then refuses, says why, and deletes nothing', async () => {
    const locked = lockOf(objectPath((await items())[0]!.storage_key)).until!;
    const before = rec.requests.length;
    expect(
      (
        await post(`/api/sessions/${sessionId}/classification`, {
          policyId: 'nfpa',
          reason: 'no further action',
        })
      ).status,
    ).toBe(200);
    expect(rec.requests.slice(before).some(sub('PUT', 'retention'))).toBe(false);
    clock.t += 40 * DAY;
    const report = await s.c.disposal.run({ dryRun: false, actor: { type: 'system' } });
    expect(report.candidates.map((c) => c.sessionId)).not.toContain(sessionId);
    const refused = report.refused.find((r) => r.sessionId === sessionId);
    expect(refused?.why).toMatch(
      new RegExp(
        `evidence store still locks .+Object Lock retains it until ${new Date(locked).toISOString()}`,
      ),
    );
    expect(rec.requests.slice(before).some((r) => r.method === 'DELETE')).toBe(false);
    for (const i of await items()) {
      expect(i.disposed_at).toBeNull();
      expect(await inBucket(i.storage_key)).toBe(true);
    }
    const audit = await s.c.db
      .selectFrom('audit_events')
      .select('detail')
      .where('action', '=', 'retention.refused')
      .where('subject_id', '=', sessionId)
      .execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('after the lock ends, disposal deletes every version of every object of the session, and the export package', async () => {
    const all = await items();
    clock.t += 2200 * DAY;
    const before = rec.requests.length;
    const report = await s.c.disposal.run({ dryRun: false, actor: { type: 'system' } });
    expect(report.candidates.map((c) => c.sessionId)).toContain(sessionId);
    const deletes = rec.requests.slice(before).filter((r) => r.method === 'DELETE');
    for (const i of all) {
      expect(
        deletes.some((d) => d.path === objectPath(i.storage_key) && d.query.get('versionId') === 'null'),
      ).toBe(true);
      expect(await inBucket(i.storage_key), i.storage_key).toBe(false);
    }
    expect(deletes.some((d) => d.path.includes(`/${PREFIX}/exports/`))).toBe(true);
    for (const i of await items()) expect(i.disposed_at).not.toBeNull();
  });
});
