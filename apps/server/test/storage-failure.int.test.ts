import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticCall } from '@sightline/testkit/caller';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  cookieFrom,
  eventually,
  invite,
  jsonApi,
  type OfficerClient,
  openLink,
  signIn,
  startServer,
  type TestServer,
  TestSocket,
} from './harness.js';

// Issue 8 item 10: a full or read-only evidence store or spool gives clear errors and loses nothing.
// The stores are small tmpfs mounts (the tests run as root inside scripts/netns-run.sh).

let s: TestServer;
let officer: OfficerClient;
let evidenceDir: string;
const mounts: string[] = [];

function mountTmpfs(dir: string, size: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  mounts.push(dir);
}
const remount = (dir: string, options: string) => execFileSync('mount', ['-o', `remount,${options}`, dir]);

/** Fills the file system holding `dir` to the last byte; returns the filler's path (delete it to free space). */
async function fill(dir: string): Promise<string> {
  const path = join(dir, `filler-${randomBytes(4).toString('hex')}`);
  const fh = await open(path, 'w');
  const block = Buffer.alloc(4096, 0xee);
  try {
    for (;;) await fh.write(block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    await fh.close();
  }
  return path;
}

beforeAll(async () => {
  evidenceDir = await mkdtemp(join(tmpdir(), 'sightline-evidence-'));
  mountTmpfs(evidenceDir, '16m');
  s = await startServer({ env: { SIGHTLINE_EVIDENCE_DIR: evidenceDir } });
  officer = await signIn(s, ['call-handler', 'supervisor']);
});
afterAll(async () => {
  const spoolMounts = mounts.filter((d) => d !== evidenceDir);
  for (const dir of spoolMounts.reverse()) execFileSync('umount', ['-l', dir]);
  await s?.close();
  if (mounts.includes(evidenceDir)) execFileSync('umount', ['-l', evidenceDir]);
  await rm(evidenceDir, { recursive: true, force: true });
});
afterEach(async () => {
  // Each test leaves the stores healthy for the next.
  await eventually(async () => (await systemStatus()).storage.evidence.state === 'ok');
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const photo = (n: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(n)]);

interface StorageArea {
  state: 'ok' | 'full' | 'read-only';
  message: string | null;
}
async function systemStatus() {
  const admin = await signIn(s, ['admin']);
  const res = await admin.request('GET', '/api/system/status');
  expect(res.status).toBe(200);
  return (await res.json()) as { storage: { evidence: StorageArea; spool: StorageArea } };
}

async function caller() {
  const { sessionId, token } = await invite(s, officer);
  const cookie = cookieFrom(await openLink(s, token), 'sl_caller');
  return { sessionId, cookie };
}

async function tusUpload(cookie: string, file: Buffer): Promise<{ location: string; res: Response }> {
  const created = await fetch(`${s.url}/api/uploads`, {
    method: 'POST',
    headers: { cookie, 'tus-resumable': '1.0.0', 'upload-length': String(file.length) },
  });
  expect(created.status).toBe(201);
  const location = created.headers.get('location')!;
  return { location, res: await patchFrom(location, cookie, 0, file) };
}

function patchFrom(location: string, cookie: string, offset: number, file: Buffer) {
  return fetch(`${s.url}${location}`, {
    method: 'PATCH',
    headers: {
      cookie,
      'tus-resumable': '1.0.0',
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
    },
    body: file.subarray(offset),
  });
}

async function consoleSocket() {
  const con = await TestSocket.open(`${s.wsUrl}/ws/console`, officer.cookie);
  await con.next((m) => m.type === 'hello');
  return con;
}
const storageIs = (state: string) => (m: Record<string, unknown>) =>
  m.type === 'storage.status' && (m.storage as { evidence: StorageArea }).evidence.state === state;

describe('a full evidence store', () => {
  it('refuses the upload with a clear storage error, alerts the console and the status, names the cause in an export, and stores the file once space is freed', async () => {
    const con = await consoleSocket();
    const { sessionId, cookie } = await caller();
    const filler = await fill(evidenceDir);
    const file = photo(300_000);

    const { res } = await tusUpload(cookie, file);
    expect(res.status).toBe(507);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('storage_unavailable');
    expect(body.error.message).toMatch(/cannot store files right now/i);

    const status = await systemStatus();
    expect(status.storage.evidence.state).toBe('full');
    expect(status.storage.evidence.message).toMatch(/evidence store is full/);
    await con.next(storageIs('full'));
    const timeline = (await s.c.sessions.detail(sessionId)).timeline;
    expect(timeline.some((e) => e.type === 'storage.unavailable')).toBe(true);

    const supervisor = await signIn(s, ['supervisor']);
    const job = (await (
      await supervisor.request('POST', '/api/exports', {
        sessionIds: [sessionId],
        reason: 'CPS file request 7',
      })
    ).json()) as { id: string };
    const failed = await eventually(async () => {
      const j = (await (await supervisor.request('GET', `/api/exports/${job.id}`)).json()) as {
        state: string;
        error: string | null;
      };
      return j.state === 'failed' ? j : null;
    });
    expect(failed.error).toMatch(/evidence store is full/);

    // Nothing is lost: free the space and the server stores what it kept.
    await rm(filler);
    const stored = await eventually(async () =>
      (await s.c.evidence.list(sessionId)).find((i) => i.kind === 'caller-upload'),
    );
    expect(stored.sha256).toBe(sha(file));
    await con.next(storageIs('ok'));
    expect((await systemStatus()).storage.evidence.state).toBe('ok');
    con.close();
  });
});

describe('a read-only evidence store', () => {
  it('refuses with a read-only storage error, and stores the kept file once it is writable again', async () => {
    const { sessionId, cookie } = await caller();
    remount(evidenceDir, 'ro');
    const file = photo(100_000);
    const { res } = await tusUpload(cookie, file);
    try {
      expect(res.status).toBe(507);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('storage_unavailable');
      const status = await systemStatus();
      expect(status.storage.evidence.state).toBe('read-only');
      expect(status.storage.evidence.message).toMatch(/evidence store is read-only/);
    } finally {
      remount(evidenceDir, 'rw');
    }
    const stored = await eventually(async () =>
      (await s.c.evidence.list(sessionId)).find((i) => i.kind === 'caller-upload'),
    );
    expect(stored.sha256).toBe(sha(file));
  });
});

describe('a call that ends while the evidence store is read-only', () => {
  it('keeps its recording and location track, says so on the timeline, and stores both once the store is writable again, with no restart', async () => {
    const source = new RtpSource();
    await source.start(ensureClip());
    try {
      const call = await syntheticCall(s.url, jsonApi(officer), source);
      const { sessionId } = call;
      await eventually(async () => (await s.c.sessions.get(sessionId)).state === 'live', 60_000);
      const fix = { lat: 51.5, lon: -0.12, accuracy: 6, altitude: null, altitudeAccuracy: null };
      await s.c.location.add(sessionId, { ...fix, heading: null, speed: null, fixTime: Date.now() });
      // Media reaches the recording before the session ends (its spool file grows).
      await new Promise((r) => setTimeout(r, 2_000));
      remount(evidenceDir, 'ro');
      try {
        await s.c.sessions.end(sessionId, 'test over', { type: 'system' });
        call.hangUp();
        const failed = await eventually(async () => {
          const t = (await s.c.sessions.detail(sessionId)).timeline;
          const f = t.filter((e) => e.type === 'evidence.store_failed').map((e) => e.detail);
          return f.length >= 2 ? f : null;
        }, 90_000);
        expect(failed).toEqual(
          expect.arrayContaining([
            expect.stringMatching(/^location track kept; will retry/),
            expect.stringMatching(/^kept; will retry when storage takes writes again/),
          ]),
        );
        expect((await s.c.evidence.recordings(sessionId))[0]?.state).toBe('ingesting');
        expect(await s.c.evidence.list(sessionId)).toEqual([]);
      } finally {
        remount(evidenceDir, 'rw');
      }
      // No restart: the store taking writes again is enough.
      await eventually(async () => (await s.c.evidence.recordings(sessionId))[0]?.state === 'stored', 90_000);
      const items = await eventually(async () => {
        const list = await s.c.evidence.list(sessionId);
        return list.some((i) => i.kind === 'location-track') ? list : null;
      });
      const kinds = items.map((i) => i.kind);
      expect(kinds.filter((k) => k === 'master').length).toBeGreaterThanOrEqual(1);
      expect(kinds).toEqual(expect.arrayContaining(['master', 'working-copy', 'location-track']));
      expect(kinds.filter((k) => k === 'location-track')).toHaveLength(1);
      const timeline = (await s.c.sessions.detail(sessionId)).timeline;
      expect(timeline.filter((e) => e.type === 'evidence.stored').length).toBe(2);
    } finally {
      await source.stop();
    }
  });
});

describe('a full spool', () => {
  it('refuses the bytes that do not fit with a clear error, keeps what arrived, and the upload resumes once there is room', async () => {
    const spool = join(s.dataDir, 'uploads');
    await mkdir(spool, { recursive: true });
    mountTmpfs(spool, '1m');
    const { sessionId, cookie } = await caller();
    const file = photo(1_500_000);
    const { location, res } = await tusUpload(cookie, file);
    expect(res.status).toBe(507);
    expect(((await res.json()) as { error: { code: string; message: string } }).error.message).toMatch(
      /cannot store files right now/i,
    );
    expect((await systemStatus()).storage.spool.state).toBe('full');

    remount(spool, 'size=4m');
    const head = await fetch(`${s.url}${location}`, {
      method: 'HEAD',
      headers: { cookie, 'tus-resumable': '1.0.0' },
    });
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(file.length);
    expect((await patchFrom(location, cookie, offset, file)).status).toBe(204);
    const stored = (await s.c.evidence.list(sessionId)).find((i) => i.kind === 'caller-upload')!;
    expect(stored.sha256).toBe(sha(file));
    await eventually(async () => (await systemStatus()).storage.spool.state === 'ok');
  });
});
