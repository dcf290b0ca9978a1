import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { syntheticCall } from '@sightline/testkit/caller';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestBody } from '../src/evidence/export/manifest.js';
import { verifyPackage } from '../src/evidence/export/verify-package.js';
import { eventually, jsonApi, type OfficerClient, signIn, startServer, type TestServer } from './harness.js';
import { seedInterpreter } from './interpreter-fixture.js';
import { entryDataRanges, readZip, seededRandom, verifyByHand, writeZip } from './zip-tools.js';

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
  s = await startServer({ env: { SIGHTLINE_SEAL_INTERVAL_SECONDS: '1', SIGHTLINE_TRUST_PROXY: 'loopback' } });
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
  await withInterpreter(sessionId);
  zipPath = await exportPackage('full', 'CPS file request 42');
  publicKey = join(work, 'force-key.pub.pem');
  writeFileSync(publicKey, s.c.signer.publicKeyPem);
});
/** A BSL interpreter who joined and left, as the interpreter service records them, and their recording's row. */
const interpreter = { name: 'Dana Signer', organisation: 'Signs North Ltd', bookingRef: 'SN-48213' };
async function withInterpreter(id: string): Promise<void> {
  const now = Date.now();
  await seedInterpreter(s, id, interpreter, now);
  // Its media are not needed here: the row is what attributes a recording to the interpreter.
  await s.c.db
    .insertInto('recordings')
    .values({
      id: `rec-interp-${id}`,
      session_id: id,
      file_base: `interp-${id}`,
      started_at: now,
      ended_at: now,
      state: 'failed',
      video_codec: 'vp8',
      error: 'no media in this test',
      source: 'interpreter',
      interpreter_id: `interp-${id}`,
    })
    .execute();
}

async function exportPackage(kind: 'full' | 'sar', reason: string): Promise<string> {
  const job = (await (
    await supervisor.request('POST', '/api/exports', { sessionIds: [sessionId], reason, kind })
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
  const path = join(work, `${kind}-package.zip`);
  writeFileSync(path, Buffer.from(await res.arrayBuffer()));
  return path;
}

const fileEnding = (files: Map<string, Buffer>, end: string) =>
  files.get([...files.keys()].find((n) => n.endsWith(end))!)!.toString();

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
      /^sessions\/.+\/working-copies\/WORKING-COPY_SYNTHETIC_caller-[0-9a-f]{8}\.webm$/,
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

  it('says whose camera each recording is: the caller’s, and the interpreter’s by name and role', async () => {
    const files = await readZip(zipPath);
    const names = [...files.keys()];
    expect(names.some((n) => /\/masters\/caller-[^/]+\/.+\.mjr$/.test(n))).toBe(true);
    const manifest = JSON.parse(fileEnding(files, '/manifest.json')) as ManifestBody;
    const masters = manifest.files.filter((f) => f.kind === 'master' || f.kind === 'working-copy');
    expect(masters.length).toBeGreaterThan(0);
    for (const f of masters) expect(f.source).toBe('caller');
    expect(manifest.sessions[0]!.recordings.map((r) => [r.source, r.interpreter])).toEqual([
      ['caller', null],
      [
        'interpreter',
        {
          id: `interp-${sessionId}`,
          role: 'interpreter (BSL)',
          name: interpreter.name,
          organisation: interpreter.organisation,
        },
      ],
    ]);
    const report = fileEnding(files, '/report.html');
    expect(report).toContain('(caller)');
    expect(report).toContain(`(interpreter (BSL): ${interpreter.name})`);
    expect(report).toContain("(caller's camera)");
  });

  it('a subject access package names no interpreter: "an interpreter (BSL)" in the timeline and facts', async () => {
    const sar = await exportPackage('sar', 'SAR 2026/11 response');
    const files = await readZip(sar);
    const text = [...files.values()].map((b) => b.toString('latin1')).join('\n');
    for (const v of Object.values(interpreter)) expect(text).not.toContain(v);
    const timeline = JSON.parse(fileEnding(files, '/events/timeline.json')) as Array<{
      type: string;
      actor: string | null;
      detail: string | null;
    }>;
    expect(
      timeline.filter((e) => e.type.startsWith('interpreter.')).map((e) => [e.type, e.actor, e.detail]),
    ).toEqual([
      ['interpreter.invited', 'PC Handler', 'an interpreter (BSL)'],
      ['interpreter.joined', 'interpreter', 'an interpreter (BSL)'],
    ]);
    const manifest = JSON.parse(fileEnding(files, '/manifest.json')) as ManifestBody;
    expect(manifest.sessions[0]!.recordings[1]!.interpreter).toEqual({
      id: `interp-${sessionId}`,
      role: 'interpreter (BSL)',
      name: null,
      organisation: null,
    });
    expect((await verifyPackage(sar, s.c.signer.publicKeyPem)).ok).toBe(true);
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
    await verifyByHand(zipPath, work);
  });
});

describe('the verifier on damaged packages', () => {
  /** Runs the CLI verifier; never throws, returns the exit code and both streams. */
  const cli = (...args: string[]) =>
    run('node', [CLI, 'evidence', 'verify', ...args], { env: { PATH: process.env.PATH } }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        stdout: e.stdout,
        stderr: e.stderr,
      }),
    );

  it('without --public-key says the package is only self-consistent, not proven to be the force’s, and exits 3', async () => {
    const r = await cli(zipPath);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^SELF-CONSISTENT ONLY:/m);
    expect(r.stdout).toMatch(/not proven/);
    expect(r.stdout).not.toMatch(/^VERIFIED/m);
    expect((await cli(zipPath, '--public-key', publicKey)).code).toBe(0);
  });

  it('a truncated, damaged or non-zip file is FAILED with exit 1 and a reason, never a stack trace', async () => {
    const bytes = readFileSync(zipPath);
    const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const cases: Record<string, Buffer> = {
      truncated: bytes.subarray(0, Math.floor(bytes.length / 2)),
      'central directory zeroed': Buffer.concat([
        bytes.subarray(0, eocd - 200),
        Buffer.alloc(bytes.length - eocd + 200),
      ]),
      'not a zip': Buffer.from('hello, this is not a zip file\n'),
    };
    for (const [what, b] of Object.entries(cases)) {
      const file = join(work, `damaged-${what.replaceAll(' ', '-')}.zip`);
      writeFileSync(file, b);
      const r = await cli(file, '--public-key', publicKey);
      expect(r.code, what).toBe(1);
      expect(r.stdout, what).toMatch(/^ {2}FAIL {2}.*zip/m);
      expect(r.stdout, what).toMatch(/^FAILED:/m);
      expect(r.stderr, what).not.toMatch(/\n\s+at /);
    }
  });

  it('checks the zip’s own CRC-32: a changed line ending in manifest.sig, which the signature check ignores, is caught', async () => {
    // Re-store manifest.sig uncompressed so one byte of its content can be changed in place.
    const files = await readZip(zipPath);
    const sigName = [...files.keys()].find((n) => n.endsWith('/manifest.sig'))!;
    const plain = join(work, 'sig-stored.zip');
    await writeZip(plain, files, (name) => name === sigName);
    expect((await verifyPackage(plain, readFileSync(publicKey, 'utf8'))).ok).toBe(true);
    const stored = Buffer.from(readFileSync(plain));
    const range = (await entryDataRanges(stored)).find((e) => e.name === sigName)!;
    expect(stored[range.end - 1]).toBe(0x0a);
    stored[range.end - 1] = 0x20; // "\n" → " ": the zip still opens, the signature still decodes
    const changed = join(work, 'sig-changed.zip');
    writeFileSync(changed, stored);
    const v = await verifyPackage(changed, readFileSync(publicKey, 'utf8'));
    expect(v.ok).toBe(false);
    expect(v.problems.join('\n')).toMatch(/manifest\.sig.*CRC-32/);
  });

  it('survives 1,000 seeded random mutations: it never throws, and changed media bytes never verify', async () => {
    const original = readFileSync(zipPath);
    const key = readFileSync(publicKey, 'utf8');
    const ranges = await entryDataRanges(original);
    const media = ranges.filter((e) => e.stored && /\/(masters|working-copies)\//.test(e.name));
    expect(media.length).toBeGreaterThanOrEqual(3);
    const inMedia = (pos: number) => media.some((m) => pos >= m.start && pos < m.end);
    const random = seededRandom(0x5161);
    const int = (n: number) => Math.floor(random() * n);
    const thrown: string[] = [];
    const verifiedDespiteChange: string[] = [];
    let failed = 0;
    for (let i = 0; i < 1_000; i++) {
      let bytes = Buffer.from(original);
      let mediaChanged = false;
      let what: string;
      const changeAt = (pos: number, value: number) => {
        if (bytes[pos] === value) return;
        bytes[pos] = value;
        if (inMedia(pos)) mediaChanged = true;
      };
      switch (i % 6) {
        case 0: {
          const n = 1 + int(4);
          for (let k = 0; k < n; k++) {
            const pos = int(bytes.length);
            changeAt(pos, bytes[pos]! ^ (1 << int(8)));
          }
          what = `${n} bit flips anywhere`;
          break;
        }
        case 1: {
          const m = media[int(media.length)]!;
          const pos = m.start + int(m.end - m.start);
          changeAt(pos, bytes[pos]! ^ (1 + int(255)));
          what = `one byte of ${m.name}`;
          break;
        }
        case 2: {
          bytes = bytes.subarray(0, int(bytes.length));
          mediaChanged = true; // the end of the zip is gone: it must never verify
          what = `truncated to ${bytes.length} bytes`;
          break;
        }
        case 3: {
          const pos = int(bytes.length);
          const len = 1 + int(64);
          for (let k = pos; k < Math.min(bytes.length, pos + len); k++) changeAt(k, int(256));
          what = `${len} random bytes at ${pos}`;
          break;
        }
        case 4: {
          // Media is nearly all of the package: aim at the rest too (headers, central directory, JSON).
          let pos = int(bytes.length);
          while (inMedia(pos)) pos = int(bytes.length);
          changeAt(pos, bytes[pos]! ^ (1 + int(255)));
          what = `one byte outside the media at ${pos}`;
          break;
        }
        default: {
          const pos = int(bytes.length);
          const len = 1 + int(16);
          const insert = random() < 0.5;
          bytes = insert
            ? Buffer.concat([bytes.subarray(0, pos), Buffer.alloc(len, int(256)), bytes.subarray(pos)])
            : Buffer.concat([bytes.subarray(0, pos), bytes.subarray(pos + len)]);
          if (media.some((m) => pos > m.start && pos < m.end)) mediaChanged = true;
          what = `${len} bytes ${insert ? 'inserted' : 'deleted'} at ${pos}`;
        }
      }
      try {
        const v = await verifyPackage(bytes, key);
        if (!v.ok) {
          failed++;
          if (v.problems.length === 0) thrown.push(`#${i} (${what}): FAILED without a reason`);
        } else if (mediaChanged) verifiedDespiteChange.push(`#${i} (${what})`);
      } catch (err) {
        thrown.push(`#${i} (${what}): ${String(err)}`);
      }
    }
    expect(thrown).toEqual([]);
    expect(verifiedDespiteChange).toEqual([]);
    expect(failed).toBeGreaterThan(500);
  }, 180_000);
});
