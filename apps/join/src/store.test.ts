import type { ChatMessage } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { chatLines, interpreterNoticeKey } from './store.js';

const msg = (seq: number, from: 'caller' | 'officer', extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `m${seq}`,
  seq,
  from,
  officerName: from === 'officer' ? 'PC Jones' : null,
  text: `text ${seq}`,
  clientId: `c${seq}`,
  sentAt: 1000 + seq,
  receivedAt: 1000 + seq,
  deliveredAt: null,
  readAt: null,
  ...extra,
});

describe('chatLines', () => {
  it('shows stored messages in server order with the caller’s states', () => {
    const lines = chatLines([msg(2, 'officer'), msg(1, 'caller', { deliveredAt: 5, readAt: 6 })], []);
    expect(lines.map((l) => [l.key, l.status])).toEqual([
      ['m1', 'read'],
      ['m2', null],
    ]);
  });

  it('adds messages still waiting to be sent, once', () => {
    const lines = chatLines(
      [msg(1, 'caller')],
      [
        { clientId: 'c1', text: 'already stored', sentAt: 1 },
        { clientId: 'q2', text: 'written offline', sentAt: 2 },
      ],
    );
    expect(lines.map((l) => [l.key, l.status])).toEqual([
      ['m1', 'sent'],
      ['q2', 'queued'],
    ]);
  });
});

describe('interpreterNoticeKey', () => {
  it('tells the caller the interpreter sees them only while their camera is on', () => {
    expect(interpreterNoticeKey('on')).toBe('live.interpreter.joined');
    for (const camera of ['off', 'denied', 'unavailable', 'pending'] as const)
      expect(interpreterNoticeKey(camera), camera).toBe('live.interpreter.joinedNoCamera');
  });
});
