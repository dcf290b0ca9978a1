import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeDeviceCopy,
  connectCaller,
  type OfficerClient,
  putDeviceCopyChunk,
  signIn,
  startServer,
  TestClock,
  type TestServer,
  TestSocket,
} from './harness.js';

// Issue 8 item 6: a caller cannot fill the disk or flood the record.
let s: TestServer;
let officer: OfficerClient;
const clock = new TestClock();

beforeAll(async () => {
  s = await startServer({ env: { SIGHTLINE_DEVICE_COPY_MAX_MB: '1' }, clock });
  officer = await signIn(s, ['call-handler', 'supervisor']);
});
afterAll(() => s?.close());

const caller = () => connectCaller(s, officer);

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const WEBM = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01]);
const MP4 = Buffer.from([0, 0, 0, 0x18, ...Buffer.from('ftypisom')]);
const webmStart = (n: number) => Buffer.concat([WEBM, randomBytes(n)]);

const putChunk = (cookie: string, part: string, seq: number, body: Buffer) =>
  putDeviceCopyChunk(s, cookie, part, seq, body);
const completeCopy = (cookie: string, part: string, chunks: number, mimeType?: string) =>
  completeDeviceCopy(s, cookie, part, chunks, mimeType);

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, ...body.error };
}

async function tusCreate(cookie: string, length: number) {
  return fetch(`${s.url}/api/uploads`, {
    method: 'POST',
    headers: {
      cookie,
      'tus-resumable': '1.0.0',
      'upload-length': String(length),
      'upload-metadata': `filename ${Buffer.from('IMG_1.jpg').toString('base64')}`,
    },
  });
}

/** A PATCH that sends its headers now and its body only when `release` resolves. */
function heldPatch(location: string, cookie: string, offset: number, bytes: Buffer, release: Promise<void>) {
  return new Promise<number>((resolve, reject) => {
    const req = httpRequest(new URL(location, s.url), {
      method: 'PATCH',
      headers: {
        cookie,
        'tus-resumable': '1.0.0',
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
        'content-length': String(bytes.length),
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.flushHeaders();
    void release.then(() => req.end(bytes));
  });
}

function patch(location: string, cookie: string, offset: number, bytes: Buffer) {
  return fetch(`${s.url}${location}`, {
    method: 'PATCH',
    headers: {
      cookie,
      'tus-resumable': '1.0.0',
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
    },
    body: bytes,
  });
}

describe('device copy limits', () => {
  it('stops at the per-session total with a clear 413, and keeps what arrived', async () => {
    const { sessionId, cookie } = await caller();
    const a = webmStart(400_000);
    const b = randomBytes(400_000);
    expect((await putChunk(cookie, 'part-limit1', 0, a)).status).toBe(200);
    expect((await putChunk(cookie, 'part-limit1', 1, b)).status).toBe(200);
    const over = await putChunk(cookie, 'part-limit1', 2, randomBytes(400_000));
    expect(await errorOf(over)).toMatchObject({ status: 413, code: 'message_too_large' });
    // A new part does not get round the limit either.
    const other = await putChunk(cookie, 'part-limit2', 0, webmStart(400_000));
    expect(other.status).toBe(413);
    expect((await completeCopy(cookie, 'part-limit1', 2)).status).toBe(200);
    const copy = (await s.c.evidence.list(sessionId)).find((i) => i.kind === 'device-copy')!;
    expect(copy.sha256).toBe(sha(Buffer.concat([a, b])));
  });

  it('takes only WebM or MP4 as claimed: a foreign first chunk, a second file spliced in, or a different type at the end are refused', async () => {
    const { sessionId, cookie } = await caller();
    const exe = await putChunk(
      cookie,
      'part-exe001',
      0,
      Buffer.concat([Buffer.from('MZ'), randomBytes(5000)]),
    );
    expect(await errorOf(exe)).toMatchObject({ status: 400, code: 'bad_request' });
    const pdf = await putChunk(cookie, 'part-exe001', 0, Buffer.from('%PDF-1.7 not a video'));
    expect((await errorOf(pdf)).message).toMatch(/WebM or MP4/);

    expect((await putChunk(cookie, 'part-ok0001', 0, webmStart(5000))).status).toBe(200);
    const spliced = await putChunk(cookie, 'part-ok0001', 1, webmStart(5000)); // a second recording glued on
    expect(spliced.status).toBe(400);
    const zip = await putChunk(
      cookie,
      'part-ok0001',
      1,
      Buffer.concat([Buffer.from([0x50, 0x4b, 3, 4]), randomBytes(100)]),
    );
    expect(zip.status).toBe(400);
    expect((await putChunk(cookie, 'part-ok0001', 1, randomBytes(5000))).status).toBe(200);
    const wrongType = await completeCopy(cookie, 'part-ok0001', 2, 'video/mp4');
    expect(await errorOf(wrongType)).toMatchObject({ status: 400 });
    expect((await s.c.evidence.list(sessionId)).some((i) => i.kind === 'device-copy')).toBe(false);
    expect((await completeCopy(cookie, 'part-ok0001', 2, 'video/webm')).status).toBe(200);

    // MP4 works the same way.
    expect((await putChunk(cookie, 'part-mp4001', 0, Buffer.concat([MP4, randomBytes(3000)]))).status).toBe(
      200,
    );
    expect((await completeCopy(cookie, 'part-mp4001', 1, 'video/mp4')).status).toBe(200);
  });

  it('completing a copy of many chunks raises no MaxListenersExceededWarning', async () => {
    const { sessionId, cookie } = await caller();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const chunks = [webmStart(2000), ...Array.from({ length: 24 }, () => randomBytes(2000))];
      for (const [seq, body] of chunks.entries())
        expect((await putChunk(cookie, 'part-many01', seq, body)).status).toBe(200);
      expect((await completeCopy(cookie, 'part-many01', chunks.length)).status).toBe(200);
      const copy = (await s.c.evidence.list(sessionId)).find((i) => i.kind === 'device-copy')!;
      expect(copy.sha256).toBe(sha(Buffer.concat(chunks)));
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
  });
});

describe('after the session ends', () => {
  it('refuses uploads and new device copies, and lets a started copy send its last chunks for 2 minutes', async () => {
    const { sessionId, cookie } = await caller();
    const created = await tusCreate(cookie, 1000);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect((await putChunk(cookie, 'part-late01', 0, webmStart(1000))).status).toBe(200);

    await officer.request('POST', `/api/sessions/${sessionId}/end`, {});

    expect(await errorOf(await tusCreate(cookie, 1000))).toMatchObject({
      status: 409,
      code: 'session_ended',
    });
    const late = await patch(
      location,
      cookie,
      0,
      Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(997)]),
    );
    expect(await errorOf(late)).toMatchObject({ status: 409, code: 'session_ended' });
    expect((await putChunk(cookie, 'part-new001', 0, webmStart(1000))).status).toBe(409);

    // The copy that was already on its way may finish within the grace period...
    expect((await putChunk(cookie, 'part-late01', 1, randomBytes(1000))).status).toBe(200);
    // ...but not after it.
    clock.t += 2 * 60_000 + 1_000;
    const tooLate = await putChunk(cookie, 'part-late01', 2, randomBytes(1000));
    expect(await errorOf(tooLate)).toMatchObject({ status: 409, code: 'session_ended' });
    // What arrived in time is still joined and stored.
    expect((await completeCopy(cookie, 'part-late01', 2)).status).toBe(200);
    expect((await s.c.evidence.list(sessionId)).some((i) => i.kind === 'device-copy')).toBe(true);
  });
});

describe('a phone that never finishes its copy', () => {
  it('has a chunk damaged on the way refused with 422 so it is sent again', async () => {
    const { cookie } = await caller();
    const body = webmStart(3000);
    const damaged = await fetch(`${s.url}/api/device-copy/part-dmg001/0`, {
      method: 'PUT',
      headers: { cookie, 'content-type': 'application/octet-stream', 'x-chunk-sha256': sha(randomBytes(8)) },
      body,
    });
    expect(await errorOf(damaged)).toMatchObject({ status: 422, code: 'damaged_in_transit' });
    expect((await putChunk(cookie, 'part-dmg001', 0, body)).status).toBe(200);
  });

  it('is stored by the server once the grace period is over, once, and marked as finished by the server', async () => {
    const { sessionId, cookie } = await caller();
    const chunks = [webmStart(3000), randomBytes(3000), randomBytes(3000)];
    for (const [seq, body] of chunks.entries())
      expect((await putChunk(cookie, 'part-gone01', seq, body)).status).toBe(200);
    await officer.request('POST', `/api/sessions/${sessionId}/end`, {});
    const copies = async () => (await s.c.evidence.list(sessionId)).filter((i) => i.kind === 'device-copy');

    // Within the grace period the phone may still finish: nothing is taken from it.
    expect(await s.c.deviceCopies.finishAbandoned()).toBe(0);
    expect(await copies()).toHaveLength(0);

    clock.t += 2 * 60_000 + 1_000;
    expect(await s.c.deviceCopies.finishAbandoned()).toBe(1);
    const [copy] = await copies();
    expect(copy!.sha256).toBe(sha(Buffer.concat(chunks)));
    const event = await s.c.db
      .selectFrom('session_events')
      .select('detail')
      .where('session_id', '=', sessionId)
      .where('type', '=', 'device_copy.stored')
      .executeTakeFirstOrThrow();
    expect(event.detail).toMatch(/3 chunks.*the phone never said it had finished/);

    // Once: neither the next sweep nor the phone's late completion stores it again.
    expect(await s.c.deviceCopies.finishAbandoned()).toBe(0);
    expect((await completeCopy(cookie, 'part-gone01', 3)).status).toBe(200);
    expect(await copies()).toHaveLength(1);
  });
});

describe('a part split across instances (the balancer moved the caller while its instance was down)', () => {
  it('a chunk sent again for a part whose file is not here is kept here too', async () => {
    const { sessionId, cookie } = await caller();
    const dir = join(s.dataDir, 'device-copy', sessionId, 'part-split1');
    expect((await putChunk(cookie, 'part-split1', 0, webmStart(2000))).status).toBe(200);
    const one = randomBytes(2000);
    expect((await putChunk(cookie, 'part-split1', 1, one)).status).toBe(200);
    await rm(join(dir, '1.chunk')); // as if chunk 1 had gone to the other instance
    expect((await putChunk(cookie, 'part-split1', 1, one)).status).toBe(200);
    expect(existsSync(join(dir, '1.chunk'))).toBe(true);
  });

  it('the sweep stores what is in order here, keeps the rest, and the timeline says which and why', async () => {
    const { sessionId, cookie } = await caller();
    const dir = join(s.dataDir, 'device-copy', sessionId, 'part-split2');
    const chunks = [webmStart(2000), randomBytes(2000), randomBytes(2000)];
    for (const [seq, body] of chunks.entries())
      expect((await putChunk(cookie, 'part-split2', seq, body)).status).toBe(200);
    await rm(join(dir, '1.chunk')); // chunk 1 is on the other instance
    await officer.request('POST', `/api/sessions/${sessionId}/end`, {});
    clock.t += 2 * 60_000 + 1_000;
    expect(await s.c.deviceCopies.finishAbandoned()).toBe(1);
    const copy = (await s.c.evidence.list(sessionId)).find((i) => i.kind === 'device-copy')!;
    expect(copy.sha256).toBe(sha(chunks[0]!));
    const timeline = await s.c.db
      .selectFrom('session_events')
      .select(['type', 'detail'])
      .where('session_id', '=', sessionId)
      .where('type', 'like', 'device_copy.%')
      .execute();
    expect(timeline.find((e) => e.type === 'device_copy.stored')?.detail).toMatch(
      /1 chunks.*chunks from 1 are not on this instance/,
    );
    expect(timeline.find((e) => e.type === 'device_copy.unjoinable')?.detail).toMatch(
      /1 chunks kept.*2\.chunk/,
    );
    // Kept, not deleted: chunk 2 is still in the spool; chunk 0 (stored) is gone from it.
    expect(existsSync(join(dir, '2.chunk'))).toBe(true);
    expect(existsSync(join(dir, '0.chunk'))).toBe(false);
    // Noted once.
    await s.c.deviceCopies.finishAbandoned();
    expect(
      (
        await s.c.db
          .selectFrom('session_events')
          .select('id')
          .where('session_id', '=', sessionId)
          .where('type', '=', 'device_copy.unjoinable')
          .execute()
      ).length,
    ).toBe(1);
  });
});

describe('tus', () => {
  it('a second PATCH at the same offset while one is writing gets 409, and the stored file is the first one intact', async () => {
    const { sessionId, cookie } = await caller();
    const first = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(3 * 1024 * 1024)]);
    const second = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe1]), randomBytes(3 * 1024 * 1024)]);
    const location = (await tusCreate(cookie, first.length)).headers.get('location')!;
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const slow = heldPatch(location, cookie, 0, first, released);
    // Let the server take up the first PATCH (it is waiting for its body), then race it.
    // Before the fix both passed the offset check and both appended: a corrupt file.
    await new Promise((r) => setTimeout(r, 300));
    const racing = await patch(location, cookie, 0, second);
    expect(racing.status).toBe(409);
    expect(racing.headers.get('tus-resumable')).toBe('1.0.0');
    release();
    expect(await slow).toBe(204);
    const upload = (await s.c.evidence.list(sessionId)).find((i) => i.kind === 'caller-upload')!;
    expect(upload.sha256).toBe(sha(first));
  });
});

describe('caller socket messages', () => {
  it('a flood of chat is cut off with a clear error, the record keeps only the allowed burst, and the console is told', async () => {
    const { sessionId, sock } = await caller();
    const con = await TestSocket.open(`${s.wsUrl}/ws/console`, officer.cookie);
    await con.next((m) => m.type === 'hello');
    con.send({ type: 'watch', id: 'w1', sessionId });
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 60; i++)
      sock.send({
        type: 'chat.send',
        id: `c${i}`,
        clientId: `flood-${i}`,
        text: `message ${i}`,
        sentAt: Date.now(),
      });
    const refused = await sock.next((m) => m.type === 'error' && m.code === 'rate_limited');
    expect(refused.message).toMatch(/too (fast|many)/i);
    const told = await con.next(
      (m) => m.type === 'session.event' && (m.event as { type: string }).type === 'caller.throttled',
    );
    expect((told.event as { detail: string }).detail).toMatch(/chat/);
    sock.send({ type: 'ping', id: 'p-after' });
    await new Promise((r) => setTimeout(r, 300));
    const stored = await s.c.chat.history(sessionId);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThanOrEqual(12);
    // Told once per burst, not once per refused message.
    const events = (await s.c.sessions.detail(sessionId)).timeline.filter(
      (e) => e.type === 'caller.throttled',
    );
    expect(events).toHaveLength(1);
    con.close();
  });
});
