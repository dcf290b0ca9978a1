import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { createLogger } from '../lib/create-logger.js';
import { SocketChannel } from './socket-channel.js';

/** Enough of a ws socket for the channel: messages in, JSON out. */
function fakeSocket() {
  const socket = Object.assign(new EventEmitter(), { OPEN: 1, readyState: 1, sent: [] as string[] });
  return Object.assign(socket, { send: (text: string) => socket.sent.push(text) });
}

const Msg = z.object({
  type: z.enum(['watch', 'slow', 'offer', 'consent']),
  sessionId: z.string().optional(),
  id: z.string().optional(),
});

describe('SocketChannel', () => {
  it("logs each message's handling with the connection's ids and the session the message is about", async () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (l: string) => lines.push(l) });
    const socket = fakeSocket();
    const channel = new SocketChannel(socket as unknown as WebSocket, Msg, log, { connId: 'console-3' });
    let handled = 0;
    channel.listen(async () => {
      await Promise.resolve();
      log.info('console: handled');
      handled++;
    });
    socket.emit('message', Buffer.from(JSON.stringify({ type: 'watch', sessionId: 's-1' })), false);
    socket.emit('message', Buffer.from(JSON.stringify({ type: 'watch' })), false);
    await expect.poll(() => handled).toBe(2);
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ connId: 'console-3', sessionId: 's-1', msg: 'console: handled' });
    expect(second).toMatchObject({ connId: 'console-3', msg: 'console: handled' });
    expect(second!.sessionId).toBeUndefined();
  });

  describe('lanes', () => {
    /** Messages of each type are held until the test lets them finish; records start and end order. */
    function laned() {
      const socket = fakeSocket();
      const log = createLogger('silent', { write: () => {} });
      const channel = new SocketChannel(socket as unknown as WebSocket, Msg, log);
      const events: string[] = [];
      const gates = new Map<string, () => void>();
      channel.listen(
        (msg) =>
          new Promise<void>((resolve) => {
            events.push(`start ${msg.id}`);
            gates.set(msg.id!, () => {
              events.push(`end ${msg.id}`);
              resolve();
            });
          }),
        undefined,
        (msg) => (msg.type === 'offer' ? 'media' : msg.type === 'consent' ? 'all' : 'main'),
      );
      const send = (type: string, id: string) =>
        socket.emit('message', Buffer.from(JSON.stringify({ type, id })), false);
      const finish = async (id: string) => {
        await expect.poll(() => gates.has(id)).toBe(true);
        gates.get(id)!();
      };
      return { events, send, finish };
    }

    it('runs a message on another lane while a slow one is still being handled', async () => {
      const { events, send, finish } = laned();
      send('slow', 'timeline');
      send('offer', 'offer');
      // The offer starts although the timeline write has not finished.
      await expect.poll(() => events).toEqual(['start timeline', 'start offer']);
      await finish('offer');
      await finish('timeline');
      expect(events).toEqual(['start timeline', 'start offer', 'end offer', 'end timeline']);
    });

    it('keeps arrival order within one lane', async () => {
      const { events, send, finish } = laned();
      send('offer', 'o1');
      send('offer', 'o2');
      await expect.poll(() => events).toEqual(['start o1']);
      await finish('o1');
      await finish('o2');
      expect(events).toEqual(['start o1', 'end o1', 'start o2', 'end o2']);
    });

    it('holds a barrier until every lane is idle, and every later message until the barrier is done', async () => {
      const { events, send, finish } = laned();
      send('slow', 'timeline');
      send('offer', 'o1');
      send('consent', 'consent');
      send('offer', 'o2');
      send('slow', 'after');
      await expect.poll(() => events).toEqual(['start timeline', 'start o1']);
      await finish('o1');
      // Still waiting for the timeline lane: the consent must not overtake what came before it.
      await Promise.resolve();
      expect(events).not.toContain('start consent');
      await finish('timeline');
      await finish('consent');
      await finish('o2');
      await finish('after');
      const at = (e: string) => events.indexOf(e);
      expect(at('start consent')).toBeGreaterThan(at('end timeline'));
      expect(at('start consent')).toBeGreaterThan(at('end o1'));
      expect(at('start o2')).toBeGreaterThan(at('end consent'));
      expect(at('start after')).toBeGreaterThan(at('end consent'));
    });
  });
});
