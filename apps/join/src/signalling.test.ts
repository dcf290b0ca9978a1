import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Signalling } from './signalling.js';

// When the media connection goes silent the page asks the socket for a pong and replaces it if
// none comes soon: 300 ms, or three of this link's own round trips where those are longer, so a
// slow mobile network does not have its socket replaced for being slow.

class FakeSocket {
  static readonly OPEN = 1;
  static made: FakeSocket[] = [];
  readyState = 1;
  sent: string[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor() {
    FakeSocket.made.push(this);
  }
  send(text: string) {
    this.sent.push(text);
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  /** The server's reply arriving after `ms`. */
  answerAfter(ms: number) {
    vi.advanceTimersByTime(ms);
    this.onmessage?.({ data: JSON.stringify({ type: 'pong' }) });
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.made = [];
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('location', { protocol: 'http:', host: 'example.test' });
  vi.stubGlobal('navigator', { onLine: true });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function connected() {
  const s = new Signalling(
    () => {},
    () => {},
  );
  s.connect();
  const ws = FakeSocket.made[0]!;
  ws.onopen?.();
  return { s, ws };
}

const pings = (ws: FakeSocket) => ws.sent.filter((t) => t.includes('"ping"')).length;

describe('Signalling when the media goes silent', () => {
  it('replaces a socket that does not answer within 300 ms on a fast link', () => {
    const { s, ws } = connected();
    s.mediaSilent();
    expect(pings(ws)).toBe(1);
    vi.advanceTimersByTime(301);
    expect(ws.closed).toBe(true);
  });

  it('gives a slow link three of its own round trips before replacing its socket', () => {
    const { s, ws } = connected();
    // Two heartbeats (the link was quiet) answered after 400 ms each: this link's round trip.
    // (The heartbeat checks every 500 ms and pings once the link has been quiet over 1.5 s.)
    for (const quiet of [2000, 1600]) {
      const before = pings(ws);
      vi.advanceTimersByTime(quiet);
      expect(pings(ws)).toBe(before + 1);
      ws.answerAfter(400);
    }
    expect(ws.closed).toBe(false);
    s.mediaSilent();
    vi.advanceTimersByTime(1000);
    expect(ws.closed).toBe(false); // 1 s is within three 400 ms round trips
    vi.advanceTimersByTime(300);
    expect(ws.closed).toBe(true);
  });
});
