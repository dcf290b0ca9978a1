import type { OutboxMessage } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { newestFirst, outboxNote } from './outbox-store.js';

const message = (over: Partial<OutboxMessage>): OutboxMessage => ({
  id: 'm1',
  sessionId: 's1',
  to: '+44 •••••••456',
  body: 'the police: open http://x/j/••••••••',
  createdAt: 1,
  status: 'sent',
  mine: false,
  linkHidden: true,
  ...over,
});

describe('outboxNote', () => {
  it("says why a colleague's link is hidden", () => {
    expect(outboxNote(message({}))).toBe('Link hidden: only the officer who sent it can see it.');
  });

  it('says why the sender no longer sees their own link', () => {
    expect(outboxNote(message({ mine: true }))).toBe(
      'Link hidden: the caller has opened it, or it has expired or ended.',
    );
  });

  it('tells the sender their link is for the caller alone, and says nothing for texts without a link', () => {
    expect(outboxNote(message({ mine: true, linkHidden: false, body: 'open http://x/j/abc' }))).toBe(
      'Only you can see this link, until the caller opens it. Give it to no one else.',
    );
    expect(outboxNote(message({ linkHidden: false, body: 'no link here' }))).toBeNull();
  });
});

describe('newestFirst', () => {
  it('sorts by time, newest first', () => {
    const list = newestFirst([message({ id: 'a', createdAt: 1 }), message({ id: 'b', createdAt: 2 })]);
    expect(list.map((m) => m.id)).toEqual(['b', 'a']);
  });
});
