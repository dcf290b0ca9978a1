import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeDeviceCopy,
  connectCaller,
  cookieFrom,
  eventually,
  invite,
  type OfficerClient,
  openLink,
  putDeviceCopyChunk,
  signIn,
  startServer,
  type TestServer,
  TestSocket,
} from './harness.js';

let s: TestServer;
let officer: OfficerClient;

beforeAll(async () => {
  s = await startServer({ env: { SIGHTLINE_MAX_UPLOAD_MB: '20' } });
  officer = await signIn(s, ['call-handler', 'supervisor']);
});
afterAll(() => s?.close());

const caller = () => connectCaller(s, officer);

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('chat', () => {
  it('works both ways with video off, in order, with sent, delivered and read states, and no duplicates on resend', async () => {
    const { sessionId, sock } = await caller();
    const con = await TestSocket.open(`${s.wsUrl}/ws/console`, officer.cookie);
    await con.next((m) => m.type === 'hello');
    con.send({ type: 'watch', sessionId });
    await new Promise((r) => setTimeout(r, 100));

    // Written while offline a minute ago, sent now: keeps its own time.
    const writtenAt = Date.now() - 60_000;
    sock.send({
      type: 'chat.send',
      clientId: 'caller-msg-1',
      text: 'I cannot speak, he is in the next room',
      sentAt: writtenAt,
    });
    const got = (await con.next((m) => m.type === 'chat.message')) as {
      message: { id: string; seq: number; from: string; sentAt: number };
    };
    expect(got.message).toMatchObject({ seq: 1, from: 'caller', sentAt: writtenAt });
    expect(await sock.next((m) => m.type === 'chat.status')).toMatchObject({
      clientId: 'caller-msg-1',
      state: 'sent',
    });
    con.send({ type: 'chat.receipt', sessionId, ids: [got.message.id], state: 'read' });
    expect(await sock.next((m) => m.type === 'chat.status' && m.state === 'read')).toMatchObject({
      clientId: 'caller-msg-1',
    });

    con.send({
      type: 'chat.send',
      sessionId,
      clientId: 'officer-msg-1',
      text: 'Stay where you are. Officers are on the way.',
    });
    const toCaller = (await sock.next((m) => m.type === 'chat.message')) as {
      message: { id: string; seq: number; from: string; officerName: string };
    };
    expect(toCaller.message).toMatchObject({ seq: 2, from: 'officer' });
    expect(toCaller.message.officerName).toMatch(/^Officer /);
    sock.send({ type: 'chat.receipt', ids: [toCaller.message.id], state: 'delivered' });
    await con.next(
      (m) => m.type === 'chat.status' && m.state === 'delivered' && m.clientId === 'officer-msg-1',
    );
    sock.send({ type: 'chat.receipt', ids: [toCaller.message.id], state: 'read' });
    await con.next((m) => m.type === 'chat.status' && m.state === 'read' && m.clientId === 'officer-msg-1');

    // A resend after a reconnect is recognised, not stored twice.
    sock.send({
      type: 'chat.send',
      clientId: 'caller-msg-1',
      text: 'I cannot speak, he is in the next room',
      sentAt: writtenAt,
    });
    sock.send({ type: 'ping' });
    await sock.next((m) => m.type === 'pong');
    const history = (await (await officer.request('GET', `/api/sessions/${sessionId}/messages`)).json()) as {
      messages: Array<{ seq: number; readAt: number | null }>;
    };
    expect(history.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(history.messages.every((m) => m.readAt !== null)).toBe(true);

    // A caller cannot mark their own messages read.
    sock.send({ type: 'chat.receipt', ids: [got.message.id], state: 'read' });
    await s.c.sessions.end(sessionId, 'done', { type: 'system' });
    expect((await s.c.chat.history(sessionId))[0]!.from).toBe('caller');
    con.close();
  });
});

describe('chat before the link is opened', () => {
  it('an officer may write first; the caller finds the message on opening the link', async () => {
    const { sessionId, token } = await invite(s, officer);
    const con = await TestSocket.open(`${s.wsUrl}/ws/console`, officer.cookie);
    await con.next((m) => m.type === 'hello');
    con.send({ type: 'watch', sessionId });
    con.send({
      type: 'chat.send',
      sessionId,
      clientId: 'officer-first-1',
      text: 'This is PC Smith. Your code is on the page.',
    });
    expect(await con.next((m) => m.type === 'chat.message')).toMatchObject({
      message: { from: 'officer', text: 'This is PC Smith. Your code is on the page.' },
    });
    const cookie = cookieFrom(await openLink(s, token), 'sl_caller');
    const sock = await TestSocket.open(`${s.wsUrl}/ws/caller`, cookie);
    const history = (await sock.next((m) => m.type === 'chat.history')) as {
      messages: { from: string; text: string }[];
    };
    expect(history.messages).toEqual([
      expect.objectContaining({ from: 'officer', text: 'This is PC Smith. Your code is on the page.' }),
    ]);
    con.close();
    sock.close();
  });
});

/** A tus PATCH that sends `bytes` then, if `cutAfter` is set, drops the connection part-way, as a phone losing signal would. */
function patch(
  path: string,
  cookie: string,
  offset: number,
  bytes: Buffer,
  cutAfter?: number,
): Promise<number | null> {
  const url = new URL(path, s.url);
  return new Promise((resolve) => {
    const req = httpRequest(url, {
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
      resolve(res.statusCode === 204 ? Number(res.headers['upload-offset']) : -res.statusCode!);
    });
    req.on('error', () => resolve(null));
    if (cutAfter === undefined) {
      req.end(bytes);
      return;
    }
    req.write(bytes.subarray(0, cutAfter), () => setTimeout(() => req.destroy(), 200));
  });
}

async function tusCreate(cookie: string, length: number, name: string) {
  const res = await fetch(`${s.url}/api/uploads`, {
    method: 'POST',
    headers: {
      cookie,
      'tus-resumable': '1.0.0',
      'upload-length': String(length),
      'upload-metadata': `filename ${Buffer.from(name).toString('base64')},filetype ${Buffer.from('image/jpeg').toString('base64')}`,
    },
  });
  expect(res.status).toBe(201);
  return res.headers.get('location')!;
}

async function tusOffset(cookie: string, location: string): Promise<number> {
  const res = await fetch(`${s.url}${location}`, {
    method: 'HEAD',
    headers: { cookie, 'tus-resumable': '1.0.0' },
  });
  return Number(res.headers.get('upload-offset'));
}

describe('resumable uploads (tus)', () => {
  it('survive a dropped connection and resume to a byte-identical, hashed evidence file', async () => {
    const { sessionId, cookie } = await caller();
    const file = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(6 * 1024 * 1024)]);
    const location = await tusCreate(cookie, file.length, 'IMG_0042.jpg');
    expect(await patch(location, cookie, 0, file, 2 * 1024 * 1024)).toBeNull(); // connection lost mid-way
    const offset = await eventually(async () => {
      const o = await tusOffset(cookie, location);
      return o > 0 ? o : null;
    });
    expect(offset).toBeLessThan(file.length);
    expect(await patch(location, cookie, offset + 1, file.subarray(offset + 1))).toBe(-409); // wrong offset is refused
    expect(await patch(location, cookie, offset, file.subarray(offset))).toBe(file.length);

    const items = await s.c.evidence.list(sessionId);
    const upload = items.find((i) => i.kind === 'caller-upload')!;
    expect(upload.mediaType).toBe('image/jpeg');
    expect(upload.sha256).toBe(sha(file));
    const stored = Buffer.from(
      await (await officer.request('GET', `/api/evidence/${upload.id}/content`)).arrayBuffer(),
    );
    expect(stored.equals(file)).toBe(true);
  });

  it('checks the type by content, not by name, and enforces the size limit', async () => {
    const { sessionId, cookie } = await caller();
    const fake = Buffer.concat([Buffer.from('MZ'), randomBytes(1000)]); // a Windows program called "photo.jpg"
    const location = await tusCreate(cookie, fake.length, 'photo.jpg');
    expect(await patch(location, cookie, 0, fake)).toBe(-400);
    expect((await s.c.evidence.list(sessionId)).some((i) => i.kind === 'caller-upload')).toBe(false);
    const audit = await s.c.audit.list({ limit: 10, action: 'upload.rejected' });
    expect(audit[0]?.detail).toMatchObject({ fileName: 'photo.jpg' });
    const big = await fetch(`${s.url}/api/uploads`, {
      method: 'POST',
      headers: { cookie, 'tus-resumable': '1.0.0', 'upload-length': String(21 * 1024 * 1024) },
    });
    expect(big.status).toBe(413);
    const anon = await fetch(`${s.url}/api/uploads`, {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': '10' },
    });
    expect(anon.status).toBe(401);
  });
});

describe('device copy', () => {
  it('stores chunks idempotently, reports what arrived, and joins them into a hashed device copy', async () => {
    const { sessionId, cookie } = await caller();
    const chunks = [
      Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), randomBytes(50_000)]),
      randomBytes(70_000),
      randomBytes(30_000),
    ];
    const put = (seq: number, body: Buffer) => putDeviceCopyChunk(s, cookie, 'part-abc123', seq, body);
    expect((await put(0, chunks[0]!)).status).toBe(200);
    expect((await put(2, chunks[2]!)).status).toBe(200);
    const early = await completeDeviceCopy(s, cookie, 'part-abc123', 3);
    expect(early.status).toBe(409); // chunk 1 missing
    const status = (await (await fetch(`${s.url}/api/device-copy`, { headers: { cookie } })).json()) as {
      parts: Record<string, { received: number[] }>;
    };
    expect(status.parts['part-abc123']!.received).toEqual([0, 2]);
    expect((await put(1, chunks[1]!)).status).toBe(200);
    expect((await put(1, chunks[1]!)).status).toBe(200); // the same again: fine
    expect((await put(1, randomBytes(10))).status).toBe(409); // different content: refused
    const done = await completeDeviceCopy(s, cookie, 'part-abc123', 3);
    expect(done.status).toBe(200);
    const copy = (await s.c.evidence.list(sessionId)).find((i) => i.kind === 'device-copy')!;
    expect(copy.sha256).toBe(sha(Buffer.concat(chunks)));
    expect(copy.size).toBe(150_004);
  });
});

describe('what the phone reports', () => {
  it('events written in one millisecond are read back in the order they were written', async () => {
    const { sessionId } = await invite(s, officer);
    const at = Date.now() - 5_000;
    const types = ['consent.accepted', 'permission.camera.granted', 'permission.microphone.granted'];
    for (const type of [...types, 'permission.location.granted', 'location.sharing'])
      await s.c.sessions.addEvent(sessionId, type, 'caller', null, at);
    const { timeline } = await s.c.sessions.detail(sessionId);
    expect(timeline.filter((e) => e.at === at).map((e) => e.type)).toEqual([
      ...types,
      'permission.location.granted',
      'location.sharing',
    ]);
  });

  it('reaches a console that starts watching after the phone last reported it', async () => {
    const { sessionId, sock } = await caller();
    sock.send({ type: 'consent', decision: 'accepted' });
    await sock.next((m) => m.type === 'consent.recorded');
    sock.send({
      type: 'media.state',
      state: { video: 'paused', audio: 'muted', camera: 'front', torch: false },
    });
    sock.send({ type: 'quality', level: 'fair', kbps: 640 });
    await eventually(async () => {
      const { timeline } = await s.c.sessions.detail(sessionId);
      return timeline.some((e) => e.type === 'caller.quality') ? true : undefined;
    });
    // Only now does the officer open the session.
    const con = await TestSocket.open(`${s.wsUrl}/ws/console`, officer.cookie);
    await con.next((m) => m.type === 'hello');
    con.send({ type: 'watch', sessionId });
    expect(await con.next((m) => m.type === 'caller.media')).toMatchObject({
      sessionId,
      state: { video: 'paused', audio: 'muted', camera: 'front', torch: false },
    });
    expect(await con.next((m) => m.type === 'caller.quality')).toMatchObject({
      sessionId,
      level: 'fair',
      kbps: 640,
    });
    con.close();
  });

  it('a location-only link goes live with its first fix, and fixes sent twice are stored once', async () => {
    const res = await officer.request('POST', '/api/sessions', {
      phone: '07911 123456',
      reference: 'MISPER 12/28NOV',
      mode: 'location',
      locationMinutes: 60,
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { session: { id: string }; link: string };
    const sessionId = body.session.id;
    const cookie = cookieFrom(await openLink(s, body.link.split('/j/')[1]!), 'sl_caller');
    const sock = await TestSocket.open(`${s.wsUrl}/ws/caller`, cookie);
    await sock.next((m) => m.type === 'welcome');
    sock.send({ type: 'consent', decision: 'accepted' });
    await sock.next((m) => m.type === 'consent.recorded');
    expect((await s.c.sessions.get(sessionId)).state).toBe('consented');
    const fix = {
      lat: 51.5,
      lon: -0.12,
      accuracy: 20,
      altitude: null,
      altitudeAccuracy: null,
      heading: null,
      speed: null,
      fixTime: Date.now() - 1000,
    };
    sock.send({ type: 'location.fix', fix });
    sock.send({ type: 'location.fix', fix }); // re-sent after a reconnect
    await eventually(async () => ((await s.c.sessions.get(sessionId)).state === 'live' ? true : undefined));
    expect(await s.c.location.track(sessionId)).toHaveLength(1);
    sock.close();
  });
});
