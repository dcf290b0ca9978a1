import type { SessionSummary } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../api/api-client.js';
import { summary } from '../testing/fixtures.js';
import { applySessionUpdate, mergeSnapshot, SessionListStore } from './session-list.js';

describe('applySessionUpdate', () => {
  it('puts a new session first when it is the newest', () => {
    const list = [summary('a', 200), summary('b', 100)];
    const next = applySessionUpdate(list, summary('c', 300));
    expect(next.map((s) => s.id)).toEqual(['c', 'a', 'b']);
  });

  it('replaces an existing session in place without reordering', () => {
    const list = [summary('a', 200), summary('b', 100)];
    const next = applySessionUpdate(list, summary('b', 100, { state: 'live', publishing: true }));
    expect(next.map((s) => `${s.id}:${s.state}`)).toEqual(['a:sent', 'b:live']);
    expect(list[1]?.state).toBe('sent');
  });

  it('slots an older session into its place', () => {
    const list = [summary('a', 300), summary('b', 100)];
    expect(applySessionUpdate(list, summary('c', 200)).map((s) => s.id)).toEqual(['a', 'c', 'b']);
  });
});

describe('mergeSnapshot', () => {
  it('prefers updates that arrived while the snapshot was loading', () => {
    const snapshot = [summary('a', 100, { state: 'sent' })];
    const live = new Map([['a', summary('a', 100, { state: 'opened' })]]);
    expect(mergeSnapshot(snapshot, live)[0]?.state).toBe('opened');
  });
});

describe('SessionListStore', () => {
  it('keeps a live update that races the initial load', async () => {
    let resolve: (s: SessionSummary[]) => void = () => {};
    const api = {
      sessions: () => new Promise<SessionSummary[]>((r) => (resolve = r)),
    } as unknown as ApiClient;
    const store = new SessionListStore(api);
    const loading = store.load();
    store.upsert(summary('new', 500, { state: 'opened' }));
    resolve([summary('old', 100)]);
    await loading;
    expect(store.get().sessions.map((s) => `${s.id}:${s.state}`)).toEqual(['new:opened', 'old:sent']);
    expect(store.get().status).toBe('ready');
  });
});
