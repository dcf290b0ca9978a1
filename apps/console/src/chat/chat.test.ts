import type { ChatMessage, ServerToConsole } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/api-client.js';
import { settle } from '../testing/fixtures.js';
import { applyStatus, type ChatEntry, mergeMessage, unreadCount } from './chat-model.js';
import { ChatStore } from './chat-store.js';

const msg = (id: string, seq: number, patch: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  seq,
  from: 'caller',
  officerName: null,
  text: `text ${id}`,
  clientId: `client-${id}`,
  sentAt: seq * 1000,
  receivedAt: seq * 1000 + 50,
  deliveredAt: null,
  readAt: null,
  ...patch,
});

function harness(history: ChatMessage[] | (() => Promise<ChatMessage[]>) = []) {
  const sent: Array<Record<string, unknown>> = [];
  const handlers = new Set<(m: ServerToConsole) => void>();
  const opens = new Set<(i: { reconnect: boolean }) => void>();
  let n = 0;
  let ids = 0;
  const socket = {
    connected: true,
    send: (m: Record<string, unknown>) => {
      const id = `m${++n}`;
      if (socket.connected) sent.push({ ...m, id });
      return id;
    },
    onMessage: (h: (m: ServerToConsole) => void) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    onOpen: (h: (i: { reconnect: boolean }) => void) => {
      opens.add(h);
      return () => opens.delete(h);
    },
  };
  const messages = vi.fn(typeof history === 'function' ? history : async () => history);
  const chat = new ChatStore('s1', {
    api: { messages },
    socket: socket as never,
    newClientId: () => `cid-${++ids}-abcdef`,
    now: () => 99_000,
  });
  chat.setReceipts(true);
  return {
    chat,
    sent,
    socket,
    messages,
    deliver: (m: ServerToConsole) => {
      for (const h of [...handlers]) h(m);
    },
    open: (reconnect: boolean) => {
      socket.connected = true;
      for (const h of [...opens]) h({ reconnect });
    },
    ofType: (t: string) => sent.filter((m) => m.type === t),
  };
}

describe('chat model', () => {
  it('keeps seq order, pending last, and never shows a message twice', () => {
    let list: ChatEntry[] = [];
    list = mergeMessage(list, msg('b', 2), false);
    list = mergeMessage(list, msg('a', 1), false);
    list = mergeMessage(list, msg('b', 2, { readAt: 5 }), false);
    expect(list.map((e) => `${e.id}:${e.status}`)).toEqual(['a:sent', 'b:read']);
  });

  it('moves a state forward only, whatever order receipts arrive in', () => {
    let list = mergeMessage([], msg('a', 1, { from: 'officer' }), true);
    list = applyStatus(list, { id: 'a', clientId: 'client-a', state: 'read' });
    list = applyStatus(list, { id: 'a', clientId: 'client-a', state: 'delivered' });
    expect(list[0]?.status).toBe('read');
    expect(unreadCount(list)).toBe(0);
  });
});

describe('ChatStore', () => {
  it('shows "sending" until the server stores the message, then follows its receipts', async () => {
    const h = harness();
    h.chat.start();
    await settle();
    h.chat.setDraft('  Are you safe to talk?  ');
    expect(h.chat.send()).toBe(true);
    expect(h.chat.get().draft).toBe('');
    const [out] = h.ofType('chat.send');
    expect(out).toMatchObject({ sessionId: 's1', clientId: 'cid-1-abcdef', text: 'Are you safe to talk?' });
    expect(h.chat.get().messages.map((e) => e.status)).toEqual(['sending']);

    const stored = msg('m1', 7, { from: 'officer', officerName: 'PC Jones', clientId: 'cid-1-abcdef' });
    h.deliver({ type: 'chat.message', sessionId: 's1', message: stored });
    h.deliver({
      type: 'chat.status',
      sessionId: 's1',
      id: 'm1',
      clientId: 'cid-1-abcdef',
      state: 'sent',
      at: 1,
    });
    expect(h.chat.get().messages).toMatchObject([{ id: 'm1', seq: 7, status: 'sent', mine: true }]);
    h.deliver({
      type: 'chat.status',
      sessionId: 's1',
      id: 'm1',
      clientId: 'cid-1-abcdef',
      state: 'delivered',
      at: 2,
    });
    h.deliver({
      type: 'chat.status',
      sessionId: 's1',
      id: 'm1',
      clientId: 'cid-1-abcdef',
      state: 'read',
      at: 3,
    });
    expect(h.chat.get().messages[0]?.status).toBe('read');
    // Nothing is announced for our own messages.
    expect(h.chat.get().announced).toBeNull();
  });

  it('merges the history with live messages without duplicates', async () => {
    let resolve: (m: ChatMessage[]) => void = () => {};
    const h = harness(() => new Promise((r) => (resolve = r)));
    h.chat.start();
    h.deliver({ type: 'chat.message', sessionId: 's1', message: msg('c3', 3) });
    h.deliver({ type: 'chat.message', sessionId: 'other', message: msg('x', 1) });
    resolve([msg('c1', 1, { readAt: 5, deliveredAt: 5 }), msg('c2', 2, { from: 'officer' }), msg('c3', 3)]);
    await settle();
    expect(h.chat.get().messages.map((e) => e.id)).toEqual(['c1', 'c2', 'c3']);
    expect(h.chat.get().status).toBe('ready');
  });

  it('confirms delivery of caller messages at once and reading only while the panel is on screen', async () => {
    const h = harness([msg('c1', 1, { deliveredAt: 1 }), msg('c2', 2)]);
    h.chat.start();
    await settle();
    expect(h.ofType('chat.receipt')).toEqual([expect.objectContaining({ ids: ['c2'], state: 'delivered' })]);
    expect(h.chat.get().unread).toBe(2);

    h.deliver({ type: 'chat.message', sessionId: 's1', message: msg('c3', 3, { text: 'help' }) });
    expect(h.chat.get().announced?.text).toBe('help');
    expect(h.chat.get().unread).toBe(3);

    h.chat.setVisible(true);
    expect(h.ofType('chat.receipt').at(-1)).toMatchObject({ ids: ['c1', 'c2', 'c3'], state: 'read' });
    expect(h.chat.get().unread).toBe(0);

    h.deliver({ type: 'chat.message', sessionId: 's1', message: msg('c4', 4) });
    expect(h.ofType('chat.receipt').slice(-2)).toEqual([
      expect.objectContaining({ ids: ['c4'], state: 'delivered' }),
      expect.objectContaining({ ids: ['c4'], state: 'read' }),
    ]);
    // The same message again (a reload) sends no second receipt.
    const before = h.sent.length;
    h.deliver({ type: 'chat.message', sessionId: 's1', message: msg('c4', 4) });
    expect(h.sent.length).toBe(before);
  });

  it('sends no receipts once the session is over (a later review must not change the record)', async () => {
    const h = harness([msg('c1', 1)]);
    h.chat.setReceipts(false);
    h.chat.start();
    await settle();
    h.chat.setVisible(true);
    expect(h.ofType('chat.receipt')).toHaveLength(0);
    expect(h.chat.get().unread).toBe(0);
    h.chat.setReceipts(true);
    expect(h.ofType('chat.receipt').map((m) => m.state)).toEqual(['delivered', 'read']);
  });

  it('holds a message written while offline and sends it, once, when the link is back', async () => {
    const h = harness();
    h.chat.start();
    await settle();
    h.socket.connected = false;
    h.chat.setDraft('hello');
    h.chat.send();
    expect(h.ofType('chat.send')).toHaveLength(0);
    h.open(true);
    await settle();
    expect(h.ofType('chat.send')).toEqual([expect.objectContaining({ clientId: 'cid-1-abcdef' })]);
    expect(h.messages).toHaveBeenCalledTimes(2);
  });

  it('marks a refused message "not sent" and resends it under the same clientId', async () => {
    const h = harness();
    h.chat.start();
    await settle();
    h.chat.setDraft('hello');
    h.chat.send();
    const ref = h.ofType('chat.send')[0]?.id as string;
    h.deliver({ type: 'error', code: 'session_ended', message: 'The session has ended.', ref });
    expect(h.chat.get().messages[0]).toMatchObject({ status: 'failed', error: 'The session has ended.' });
    h.chat.retry('cid-1-abcdef');
    expect(h.ofType('chat.send').map((m) => m.clientId)).toEqual(['cid-1-abcdef', 'cid-1-abcdef']);
    expect(h.chat.get().messages[0]?.status).toBe('sending');
  });

  it('refuses an empty or over-long message and keeps the draft', async () => {
    const h = harness();
    h.chat.setDraft('   ');
    expect(h.chat.send()).toBe(false);
    h.chat.setDraft('x'.repeat(2001));
    expect(h.chat.get().draftError).toMatch(/1 characters/);
    expect(h.chat.send()).toBe(false);
    expect(h.chat.get().draft).toHaveLength(2001);
    expect(h.sent).toHaveLength(0);
  });

  it('keeps live messages when the history cannot be loaded', async () => {
    const h = harness(async () => {
      throw new ApiRequestError(500, 'internal', 'The server had a problem.');
    });
    h.chat.start();
    h.deliver({ type: 'chat.message', sessionId: 's1', message: msg('c1', 1) });
    await settle();
    expect(h.chat.get()).toMatchObject({ status: 'error', error: 'The server had a problem.' });
    expect(h.chat.get().messages).toHaveLength(1);
  });
});
