import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { syntheticCall } from '@sightline/testkit/caller';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestBody } from '../src/evidence/export/manifest.js';
import { verifyPackage } from '../src/evidence/export/verify-package.js';
import { eventually, jsonApi, type OfficerClient, signIn, startServer, type TestServer } from './harness.js';
import { readZip, unzipTo, writeZip } from './zip-tools.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../bin/sightline.js');
const work = mkdtempSync(join(tmpdir(), 'export-test-'));
const source = new RtpSource();
let s: TestServer;
let supervisor: OfficerClient;
let zipPath: string;
let publicKey: string;
let sessionId: string;

beforeAll(async () => {
  await source.start(ensureClip());
  s = await startServer({ env: { SIGHTLINE_SEAL_INTERVAL_SECONDS: '1', SIGHTLINE_TRUST_PROXY: 'true' } });
  const handler = await signIn(s, ['call-handler']);
  supervisor = await signIn(s, ['supervisor']);
  const call = await syntheticCall(s.url, jsonApi(handler), source);
  sessionId = call.sessionId;
  const api = jsonApi(handler);
  for (let i = 0; i < 4; i++) {
    await s.c.location.add(sessionId, {
      lat: 51.5 + i * 1e-4,
      lon: -0.12,
      accuracy: 6,
      altitude: null,
      altitudeAccuracy: null,
      heading: null,
      speed: null,
      fixTime: Date.now(),
    });
    await new Promise((r) => setTimeout(r, 1_000));
  }
  await api.request('POST', `/api/sessions/${sessionId}/end`, {});
  call.hangUp();
  await eventually(async () => (await s.c.evidence.recordings(sessionId))[0]?.state === 'stored', 30_000);
  await eventually(async () => (await s.c.evidence.list(sessionId)).some((i) => i.kind === 'location-track'));

  const job = (await (
    await supervisor.request('POST', '/api/exports', {
      sessionIds: [sessionId],
      reason: 'CPS file request 42',
    })
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
  expect(res.status).toBe(200);
  zipPath = join(work, 'package.zip');
  writeFileSync(zipPath, Buffer.from(await res.arrayBuffer()));
  publicKey = join(work, 'force-key.pub.pem');
  writeFileSync(publicKey, s.c.signer.publicKeyPem);
});
afterAll(async () => {
  await s?.close();
  await source.stop();
});

describe('export packages', () => {
  it('holds masters, working copy, location in three formats, seals, events, audit extract, report, signed manifest and VERIFY.txt', async () => {
    const files = await readZip(zipPath);
    const names = [...files.keys()].map((n) => n.split('/').slice(1).join('/'));
    for (const pattern of [
      /^sessions\/.+\/masters\/.+-video-\d+\.mjr$/,
      /^sessions\/.+\/masters\/.+-audio-\d+\.mjr$/,
      /^sessions\/.+\/working-copies\/WORKING-COPY_SYNTHETIC_[0-9a-f]{8}\.webm$/,
      /^sessions\/.+\/location\/location-track\.geojson$/,
      /^sessions\/.+\/location\/track\.gpx$/,
      /^sessions\/.+\/location\/track\.kml$/,
      /^sessions\/.+\/seals\/.+\.jsonl$/,
      /^sessions\/.+\/events\/timeline\.json$/,
      /^sessions\/.+\/events\/chat\.json$/,
      /^audit-extract\.json$/,
      /^report\.html$/,
      /^VERIFY\.txt$/,
      /^manifest\.json$/,
      /^manifest\.sig$/,
      /^signing-key\.pub\.pem$/,
      /^SHA256SUMS$/,
    ]) {
      expect(
        names.some((n) => pattern.test(n)),
        String(pattern),
      ).toBe(true);
    }
    const manifest = JSON.parse(
      files.get([...files.keys()].find((n) => n.endsWith('/manifest.json'))!)!.toString(),
    ) as ManifestBody;
    expect(manifest.reason).toBe('CPS file request 42');
    expect(manifest.sessions[0]!.consent[0]!.decision).toBe('accepted');
    expect(manifest.sessions[0]!.phone).toBe('+44 •••••••456');
    expect(manifest.files.find((f) => f.kind === 'working-copy')!.label).toMatch(/^WORKING COPY/);
    const audit = (await (await supervisor.request('GET', `/api/audit?subjectId=${sessionId}`)).json()) as {
      entries: Array<{ action: string; detail: { reason?: string } }>;
    };
    expect(audit.entries.find((e) => e.action === 'export.request')?.detail.reason).toBe(
      'CPS file request 42',
    );
  });

  it('verifies offline, and still verifies after the server and its database are gone', async () => {
    const v = await verifyPackage(zipPath, s.c.signer.publicKeyPem);
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.checks.some((c) => /matches all \d+ seals/.test(c))).toBe(true);

    const kept = join(work, 'kept.zip');
    copyFileSync(zipPath, kept);
    const dataDir = s.dataDir;
    await s.close();
    expect(existsSync(join(dataDir, 'sightline.db'))).toBe(false);
    // No SIGHTLINE_* settings, no data directory, no server: just the zip and the published key.
    const { stdout } = await run('node', [CLI, 'evidence', 'verify', kept, '--public-key', publicKey], {
      env: { PATH: process.env.PATH },
    });
    expect(stdout).toMatch(/^VERIFIED:/m);
  });

  it('fails after a one-byte change to any file in the package, or to the manifest', async () => {
    const files = await readZip(zipPath);
    for (const [name, bytes] of files) {
      if (name.endsWith('/manifest.sig')) continue;
      const copy = new Map(files);
      const changed = Buffer.from(bytes);
      const at = Math.floor(changed.length / 2);
      changed[at] = changed[at]! ^ 0x01;
      copy.set(name, changed);
      const bad = join(work, 'tampered.zip');
      await writeZip(bad, copy);
      const v = await verifyPackage(bad, s.c.signer.publicKeyPem);
      expect(v.ok, `one byte changed in ${name}`).toBe(false);
      if (name.endsWith('/manifest.json')) expect(v.problems.join()).toMatch(/signature is NOT valid/);
      else expect(v.problems.join(), name).toMatch(/does not match|changed/);
    }
    const { stdout } = await run('node', [
      CLI,
      'evidence',
      'verify',
      join(work, 'tampered.zip'),
      '--public-key',
      publicKey,
    ]).catch((e) => e as { stdout: string });
    expect(stdout).toMatch(/^FAILED:/m);
  });

  it('rejects an extra file slipped into the package, and a package signed with another key', async () => {
    const files = await readZip(zipPath);
    const top = [...files.keys()][0]!.split('/')[0];
    files.set(`${top}/sessions/extra.mjr`, Buffer.from('not evidence'));
    const extra = join(work, 'extra.zip');
    await writeZip(extra, files);
    expect((await verifyPackage(extra, s.c.signer.publicKeyPem)).problems.join()).toMatch(
      /not in the manifest/,
    );
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect((await verifyPackage(zipPath, other)).problems.join()).toMatch(/signature is NOT valid/);
  });

  it('can be checked by hand with sha256sum and openssl, as VERIFY.txt says', async () => {
    const dir = mkdtempSync(join(work, 'unzipped-'));
    await unzipTo(zipPath, dir);
    const files = await readZip(zipPath);
    const top = join(dir, [...files.keys()][0]!.split('/')[0]!);
    await run('sha256sum', ['--quiet', '-c', 'SHA256SUMS'], { cwd: top });
    await run('sh', ['-c', 'base64 -d manifest.sig > manifest.sig.bin'], { cwd: top });
    const { stdout } = await run(
      'openssl',
      [
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        'signing-key.pub.pem',
        '-rawin',
        '-in',
        'manifest.json',
        '-sigfile',
        'manifest.sig.bin',
      ],
      { cwd: top },
    );
    expect(stdout).toMatch(/Signature Verified Successfully/);
  });
});
