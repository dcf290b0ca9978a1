import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsoleSocket, type SocketLike } from './console-socket.js';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Array<Record<string, unknown>> = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  receive(msg: unknown): void {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
}

describe('ConsoleSocket', () => {
  let sockets: FakeSocket[];
  let socket: ConsoleSocket;
  const last = () => sockets[sockets.length - 1]!;

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    socket = new ConsoleSocket({
      url: () => 'ws://test/ws/console',
      create: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      minBackoffMs: 100,
      maxBackoffMs: 1000,
    });
  });
  afterEach(() => {
    socket.stop();
    vi.useRealTimers();
  });

  it('re-sends watch for every watched session after reconnecting', () => {
    socket.start();
    last().open();
    socket.watch('s1');
    socket.watch('s2');
    socket.unwatch('s2');
    expect(last().sent.map((m) => m.type)).toEqual(['watch', 'watch', 'unwatch']);

    const reconnected = vi.fn();
    socket.onReconnected(reconnected);
    last().drop();
    expect(socket.link.get()).toBe('reconnecting');
    vi.advanceTimersByTime(200);
    expect(sockets).toHaveLength(2);
    last().open();
    expect(last().sent).toEqual([{ type: 'watch', sessionId: 's1', id: expect.any(String) }]);
    expect(reconnected).toHaveBeenCalledTimes(1);
    expect(socket.link.get()).toBe('open');
  });

  it('keeps a session watched until every watcher has let go', () => {
    socket.start();
    last().open();
    socket.watch('s1');
    socket.watch('s1');
    socket.unwatch('s1');
    expect(socket.watchedSessions).toEqual(['s1']);
    socket.unwatch('s1');
    expect(socket.watchedSessions).toEqual([]);
    expect(last().sent.map((m) => m.type)).toEqual(['watch', 'unwatch']);
  });

  it('backs off exponentially up to the cap while the server is away', () => {
    socket.start();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = sockets.length;
      last().drop();
      let waited = 0;
      while (sockets.length === before) {
        vi.advanceTimersByTime(10);
        waited += 10;
      }
      delays.push(waited);
    }
    // 100, 200, 400, 800, 1000, 1000 ms, each ±25 % jitter.
    expect(delays[0]).toBeLessThanOrEqual(130);
    expect(delays[3]).toBeGreaterThanOrEqual(600);
    expect(delays[5]).toBeLessThanOrEqual(1260);
  });

  it('passes server messages to listeners and ignores junk', () => {
    const seen: string[] = [];
    socket.onMessage((m) => seen.push(m.type));
    socket.start();
    last().open();
    last().onmessage?.({ data: 'not json' });
    last().receive({ no: 'type' });
    last().receive({ type: 'outbox.updated' });
    expect(seen).toEqual(['outbox.updated']);
  });

  it('does not reconnect after stop()', () => {
    socket.start();
    last().open();
    socket.stop();
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(1);
    expect(socket.link.get()).toBe('closed');
  });

  it('stops for good when the server ends the sign-in (4403) and says why', () => {
    const signedOut = vi.fn();
    const s = new ConsoleSocket({
      url: () => 'ws://x',
      create: () => {
        const f = new FakeSocket();
        sockets.push(f);
        return f;
      },
      onSignedOut: signedOut,
      minBackoffMs: 100,
    });
    s.start();
    last().open();
    s.watch('s1');
    last().drop(4403, 'account disabled');
    expect(signedOut).toHaveBeenCalledWith('account disabled');
    expect(s.link.get()).toBe('closed');
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(1);
  });

  it('comes back at once after a role change (4409), even after a long backoff', () => {
    socket.start();
    for (let i = 0; i < 5; i++) {
      last().drop();
      vi.advanceTimersByTime(1300);
    }
    last().open();
    const before = sockets.length;
    last().drop(4409, 'roles changed');
    vi.advanceTimersByTime(130);
    expect(sockets).toHaveLength(before + 1);
  });

  it('treats a silent connection as dropped', () => {
    const s = new ConsoleSocket({
      url: () => 'ws://x',
      create: () => {
        const f = new FakeSocket();
        sockets.push(f);
        return f;
      },
      pingEveryMs: 1000,
      silenceLimitMs: 2500,
      minBackoffMs: 100,
    });
    s.start();
    last().open();
    vi.advanceTimersByTime(3100);
    expect(s.link.get()).toBe('reconnecting');
    s.stop();
  });
});
