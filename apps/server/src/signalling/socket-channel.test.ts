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
  type: z.literal('watch'),
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
});
