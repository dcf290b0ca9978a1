import { MAX_MESSAGE_BYTES } from '@sightline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  cookieFrom,
  invite,
  type OfficerClient,
  openLink,
  signIn,
  startServer,
  type TestServer,
  TestSocket,
} from './harness.js';

let s: TestServer;
let officer: OfficerClient;

beforeAll(async () => {
  s = await startServer();
  officer = await signIn(s, ['call-handler']);
});
afterAll(() => s?.close());

async function callerSocket(): Promise<{ sock: TestSocket; sessionId: string }> {
  const { sessionId, token } = await invite(s, officer);
  const res = await openLink(s, token);
  expect(res.status).toBe(200);
  const sock = await TestSocket.open(`${s.wsUrl}/ws/caller`, cookieFrom(res, 'sl_caller'));
  // The greeting ends with the chat history, which follows the welcome after a database read.
  await sock.next((m) => m.type === 'chat.history');
  return { sock, sessionId };
}

const isError = (code: string) => (m: Record<string, unknown>) => m.type === 'error' && m.code === code;
const goodFix = {
  lat: 51.50809,
  lon: -0.12859,
  accuracy: 8,
  altitude: null,
  altitudeAccuracy: null,
  heading: null,
  speed: null,
  fixTime: Date.now(),
};

describe('caller signalling rejects bad input and stays up', () => {
  it('answers malformed messages with bad_message, keeps the socket open, and the server keeps serving', async () => {
    const { sock } = await callerSocket();
    const bad: unknown[] = [
      'this is not json',
      '{"type":',
      { type: 'no.such.type' },
      { notype: true },
      { type: 'publish.offer' },
      { type: 'publish.offer', sdp: 42 },
      { type: 'consent', decision: 'maybe' },
      { type: 'location.fix', fix: { lat: 'north' } },
      [1, 2, 3],
      null,
    ];
    for (const msg of bad) {
      const from = sock.messages.length;
      sock.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
      const reply = await sock.next(() => true, 5_000, from);
      expect(reply, `reply to ${JSON.stringify(msg)}`).toMatchObject({ type: 'error', code: 'bad_message' });
    }
    sock.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await sock.next(isError('bad_message'));
    sock.send({ type: 'ping', id: 'p1' });
    await sock.next((m) => m.type === 'pong');
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    sock.close();
  });

  it('echoes the message id as ref so the page knows which request failed', async () => {
    const { sock } = await callerSocket();
    sock.send({ type: 'consent', id: 'c-7', decision: 'perhaps' });
    expect(await sock.next(isError('bad_message'))).toMatchObject({ ref: 'c-7' });
    sock.close();
  });

  it('rejects out-of-range coordinates', async () => {
    const { sock } = await callerSocket();
    sock.send({ type: 'consent', decision: 'accepted' });
    await sock.next((m) => m.type === 'consent.recorded');
    for (const fix of [
      { ...goodFix, lat: 91 },
      { ...goodFix, lat: -90.0001 },
      { ...goodFix, lon: 180.5 },
      { ...goodFix, accuracy: -1 },
      { ...goodFix, heading: 400 },
    ]) {
      const from = sock.messages.length;
      sock.send({ type: 'location.fix', fix });
      expect(await sock.next(() => true, 5_000, from)).toMatchObject({ type: 'error', code: 'bad_message' });
    }
    sock.close();
  });

  it('rejects out-of-order messages with a specific code', async () => {
    const { sock, sessionId } = await callerSocket();
    sock.send({ type: 'location.fix', fix: goodFix });
    await sock.next(isError('consent_required'));
    sock.send({ type: 'publish.offer', sdp: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n' });
    await sock.next(isError('consent_required'));
    sock.send({
      type: 'publish.candidate',
      candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 },
    });
    await sock.next(isError('not_publishing'));
    sock.send({ type: 'consent', decision: 'accepted' });
    await sock.next((m) => m.type === 'consent.recorded');
    sock.send({ type: 'consent', decision: 'refused' });
    await sock.next(isError('already_decided'));
    // Consented now, so a valid fix is accepted and stored.
    sock.send({ type: 'location.fix', fix: goodFix });
    await expect.poll(async () => (await s.c.location.track(sessionId)).length).toBe(1);
    sock.close();
  });

  it('an ICE restart with no publisher to restart is refused as not_publishing, naming the offer (the page then publishes afresh)', async () => {
    const { sock } = await callerSocket();
    sock.send({ type: 'consent', decision: 'accepted' });
    await sock.next((m) => m.type === 'consent.recorded');
    sock.send({
      type: 'publish.offer',
      id: 'o7',
      iceRestart: true,
      sdp: 'v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\n',
    });
    expect(await sock.next(isError('not_publishing'))).toMatchObject({ ref: 'o7' });
    sock.close();
  });

  it('closes with 1009 on an oversized message and keeps serving others', async () => {
    const { sock } = await callerSocket();
    sock.send({ type: 'publish.offer', sdp: 'x'.repeat(MAX_MESSAGE_BYTES + 10) });
    expect(await sock.closedWith()).toBe(1009);
    const other = await callerSocket();
    other.sock.send({ type: 'ping' });
    await other.sock.next((m) => m.type === 'pong');
    other.sock.close();
  });

  it('refuses a caller socket without a valid caller cookie', async () => {
    await expect(TestSocket.open(`${s.wsUrl}/ws/caller`, 'sl_caller=forged')).rejects.toThrow(/401/);
    await expect(TestSocket.open(`${s.wsUrl}/ws/caller`, '')).rejects.toThrow(/401/);
  });
});

describe('console signalling rejects bad input', () => {
  it('answers malformed and out-of-order messages with codes and keeps the socket', async () => {
    const sock = await TestSocket.open(`${s.wsUrl}/ws/console`, officer.cookie);
    await sock.next((m) => m.type === 'hello');
    const cases: Array<[unknown, string]> = [
      ['nonsense', 'bad_message'],
      [{ type: 'view.start' }, 'bad_message'],
      [{ type: 'view.answer', viewId: 'nope', sdp: 'v=0 but not a view' }, 'unknown_view'],
      [{ type: 'view.stop', viewId: 'nope' }, 'unknown_view'],
      [{ type: 'watch', sessionId: 'not-a-session' }, 'not_found'],
    ];
    for (const [msg, code] of cases) {
      const from = sock.messages.length;
      sock.send(msg);
      expect(await sock.next((m) => m.type === 'error', 5_000, from)).toMatchObject({ code });
    }
    const { sessionId } = await invite(s, officer);
    sock.send({ type: 'view.start', sessionId });
    await sock.next(isError('session_not_live'));
    sock.send({ type: 'ping' });
    await sock.next((m) => m.type === 'pong');
    sock.close();
  });

  it('refuses cross-origin and unauthenticated console sockets', async () => {
    await expect(TestSocket.open(`${s.wsUrl}/ws/console`, 'sl_sid=forged')).rejects.toThrow(/401/);
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${s.wsUrl}/ws/console`, {
          headers: { cookie: officer.cookie, origin: 'https://evil.example' },
        });
        ws.once('open', resolve);
        ws.once('unexpected-response', (_q, r) => reject(new Error(`refused ${r.statusCode}`)));
      }),
    ).rejects.toThrow(/403/);
  });
});
