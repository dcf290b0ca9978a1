import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEvidenceStore } from '../src/adapters/storage/local-evidence-store.js';
import { eventually, type OfficerClient, signIn, startServer, type TestServer } from './harness.js';
import { recordedSession } from './recorded-session.js';

const run = promisify(execFile);
const source = new RtpSource();
const work = mkdtempSync(join(tmpdir(), 'redaction-test-'));
let s: TestServer;
let dpo: OfficerClient;
let sessionId: string;

beforeAll(async () => {
  await source.start(ensureClip());
  s = await startServer({ env: { SIGHTLINE_SEAL_INTERVAL_SECONDS: '1', SIGHTLINE_TRUST_PROXY: 'loopback' } });
  sessionId = await recordedSession(s, await signIn(s, ['call-handler']), source, 5);
  dpo = await signIn(s, ['dpo']);
}, 120_000);
afterAll(async () => {
  await s?.close();
  await source.stop();
});

async function download(id: string, name: string): Promise<string> {
  const res = await dpo.request('GET', `/api/evidence/${id}/content`);
  expect(res.status).toBe(200);
  const file = join(work, name);
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  return file;
}

/** One frame at time t as 8-bit grey, scaled to w×h. */
async function frame(file: string, t: number, w = 320, h = 180): Promise<Buffer> {
  const { stdout } = await run(
    'ffmpeg',
    [
      '-v',
      'error',
      '-ss',
      String(t),
      '-i',
      file,
      '-frames:v',
      '1',
      '-vf',
      `scale=${w}:${h}`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'gray',
      '-',
    ],
    {
      encoding: 'buffer',
      maxBuffer: 10 * 1024 * 1024,
    },
  );
  return stdout as Buffer;
}

/** Mean absolute difference of two grey frames inside, and outside, a rectangle (fractions). */
function diff(
  a: Buffer,
  b: Buffer,
  r: { x: number; y: number; width: number; height: number },
  w = 320,
  h = 180,
) {
  let inside = 0;
  let nIn = 0;
  let outside = 0;
  let nOut = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = Math.abs(a[y * w + x]! - b[y * w + x]!);
      // Skip a margin at the edge of the rectangle, where blur and scaling mix the two.
      const fx = x / w;
      const fy = y / h;
      const inRect =
        fx > r.x + 0.02 && fx < r.x + r.width - 0.02 && fy > r.y + 0.03 && fy < r.y + r.height - 0.03;
      const nearRect =
        fx > r.x - 0.03 && fx < r.x + r.width + 0.03 && fy > r.y - 0.05 && fy < r.y + r.height + 0.05;
      if (inRect) {
        inside += d;
        nIn++;
      } else if (!nearRect) {
        outside += d;
        nOut++;
      }
    }
  }
  return { inside: inside / nIn, outside: outside / nOut };
}

/** RMS of the audio between two times (mono, 16-bit). */
async function rms(file: string, from: number, to: number): Promise<number> {
  const { stdout } = await run(
    'ffmpeg',
    [
      '-v',
      'error',
      '-ss',
      String(from),
      '-t',
      String(to - from),
      '-i',
      file,
      '-ac',
      '1',
      '-ar',
      '16000',
      '-f',
      's16le',
      '-',
    ],
    {
      encoding: 'buffer',
      maxBuffer: 10 * 1024 * 1024,
    },
  );
  const pcm = stdout as Buffer;
  let sum = 0;
  for (let i = 0; i + 1 < pcm.length; i += 2) sum += pcm.readInt16LE(i) ** 2;
  return Math.sqrt(sum / Math.max(1, pcm.length / 2));
}

describe('redacted working copies', () => {
  it('blurs the rectangle only in its time range, mutes the audio range, labels the derivative, and leaves the master untouched', async () => {
    const items = await s.c.evidence.list(sessionId);
    const working = items.find((i) => i.kind === 'working-copy')!;
    const masters = items.filter((i) => i.kind === 'master');
    const rect = { x: 0.25, y: 0.25, width: 0.4, height: 0.4 };
    const res = await dpo.request('POST', `/api/evidence/${working.id}/redactions`, {
      regions: [{ ...rect, from: 0.5, to: 2.5 }],
      mute: [{ from: 1, to: 2 }],
      reason: 'SAR 2026/117: bystander faces',
    });
    expect(res.status).toBe(202);
    const job = (await res.json()) as { id: string };
    const done = await eventually(async () => {
      const j = (await (await dpo.request('GET', `/api/redactions/${job.id}`)).json()) as {
        state: string;
        resultId: string | null;
        error: string | null;
      };
      if (j.state === 'failed') throw new Error(j.error ?? 'failed');
      return j.state === 'done' ? j : null;
    }, 90_000);

    const redacted = (await s.c.evidence.list(sessionId)).find((i) => i.id === done.resultId)!;
    expect(redacted.kind).toBe('redacted-copy');
    expect(redacted.fileName).toMatch(/^REDACTED_SYNTHETIC_[0-9a-f]{8}\.mp4$/);
    expect(redacted.derivedFrom).toEqual([working.sha256, ...masters.map((m) => m.sha256)]);

    const original = await download(working.id, 'working.webm');
    const copy = await download(redacted.id, 'redacted.mp4');
    const during = diff(await frame(original, 1.5), await frame(copy, 1.5), rect);
    expect(during.inside).toBeGreaterThan(15); // the region is unrecognisable…
    expect(during.outside).toBeLessThan(6); // …and the rest of the picture is as it was
    expect(during.inside).toBeGreaterThan(4 * during.outside);
    const after = diff(await frame(original, 3.5), await frame(copy, 3.5), rect);
    expect(after.inside).toBeLessThan(8); // outside the time range nothing is blurred

    expect(await rms(copy, 1.2, 1.8)).toBeLessThan(50); // muted
    expect(await rms(copy, 2.6, 3.4)).toBeGreaterThan(500); // the tone is back
    // The working copy still has sound in the muted range. Measured over the whole range, not a
    // narrow window: full runs have twice found the synthetic caller's audio silent for 0.6 s
    // (cause not yet found; the profile, in half seconds, shows where the sound is if it fails).
    const profile = await Promise.all([0, 0.5, 1, 1.5, 2, 2.5, 3].map((t) => rms(original, t, t + 0.5)));
    expect(
      await rms(original, 1, 2),
      `original RMS by half second: ${profile.map(Math.round)}`,
    ).toBeGreaterThan(500);

    // The masters and the working copy are exactly what they were.
    for (const m of [...masters, working]) {
      const row = await s.c.db
        .selectFrom('evidence_items')
        .select('storage_key')
        .where('id', '=', m.id)
        .executeTakeFirstOrThrow();
      expect(await new LocalEvidenceStore(join(s.dataDir, 'evidence')).hash(row.storage_key)).toBe(m.sha256);
    }
    const audit = await s.c.audit.list({ limit: 20, subjectId: working.id });
    expect(audit.find((a) => a.action === 'evidence.redaction_request')?.detail).toMatchObject({
      reason: 'SAR 2026/117: bystander faces',
    });
  });

  it('refuses to redact a master, and an empty redaction', async () => {
    const items = await s.c.evidence.list(sessionId);
    const master = items.find((i) => i.kind === 'master')!;
    const working = items.find((i) => i.kind === 'working-copy')!;
    expect(
      (
        await dpo.request('POST', `/api/evidence/${master.id}/redactions`, {
          regions: [],
          mute: [{ from: 0, to: 1 }],
          reason: 'try master',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await dpo.request('POST', `/api/evidence/${working.id}/redactions`, {
          regions: [],
          mute: [],
          reason: 'nothing at all',
        })
      ).status,
    ).toBe(400);
    const outside = await dpo.request('POST', `/api/evidence/${working.id}/redactions`, {
      regions: [{ x: 0.8, y: 0.1, width: 0.5, height: 0.2, from: 0, to: 1 }],
      mute: [],
      reason: 'bad rectangle',
    });
    expect(outside.status).toBe(400);
  });
});
