import type { ServerToConsole, Watcher } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { othersText, PresenceStore, presenceChangeText } from './presence-store.js';

const w = (officerId: string, name: string, since = 1): Watcher => ({ officerId, name, since });

function harness() {
  const handlers = new Set<(m: ServerToConsole) => void>();
  const reconnects = new Set<() => void>();
  const store = new PresenceStore();
  store.connect({
    onMessage: (h) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    onReconnected: (h) => {
      reconnects.add(h);
      return () => reconnects.delete(h);
    },
  });
  return {
    store,
    deliver: (m: ServerToConsole) => {
      for (const h of handlers) h(m);
    },
    reconnect: () => {
      for (const h of reconnects) h();
    },
  };
}

describe('PresenceStore', () => {
  it('keeps each session’s watchers as the server last said, and forgets them on reconnect', () => {
    const { store, deliver, reconnect } = harness();
    deliver({ type: 'presence', sessionId: 's1', watchers: [w('a', 'Alice')] });
    deliver({ type: 'presence', sessionId: 's2', watchers: [w('b', 'Bob')] });
    expect(store.of('s1').map((x) => x.name)).toEqual(['Alice']);

    deliver({ type: 'presence', sessionId: 's1', watchers: [] });
    expect(store.of('s1')).toEqual([]);
    expect([...store.get().keys()]).toEqual(['s2']);

    reconnect();
    expect(store.get().size).toBe(0);
  });

  it('returns the same empty list for every session nobody watches', () => {
    const { store } = harness();
    expect(store.of('x')).toBe(store.of('y'));
  });
});

describe('presence text', () => {
  it('names the others, never the reader', () => {
    expect(othersText([w('me', 'Me')], 'me')).toBeNull();
    expect(othersText([w('me', 'Me'), w('a', 'Alice')], 'me')).toBe('Also watching: Alice');
    expect(othersText([w('a', 'Alice'), w('b', 'Bob'), w('c', 'Cara')], 'me')).toBe(
      'Also watching: Alice, Bob and Cara',
    );
  });

  it('announces who came and who went', () => {
    expect(presenceChangeText([w('me', 'Me')], [w('me', 'Me'), w('a', 'Alice')], 'me')).toBe(
      'Alice started watching.',
    );
    expect(presenceChangeText([w('a', 'Alice'), w('b', 'Bob')], [w('c', 'Cara')], 'me')).toBe(
      'Cara started watching. Alice and Bob stopped watching.',
    );
    // The reader's own arrival is no news to them.
    expect(presenceChangeText([], [w('me', 'Me')], 'me')).toBeNull();
  });
});
