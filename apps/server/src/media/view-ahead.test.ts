import { describe, expect, it, vi } from 'vitest';
import type { JanusHandle } from '../adapters/janus/janus-handle.js';
import type { VideoRoomApi } from '../adapters/janus/videoroom.js';
import { createLogger } from '../lib/create-logger.js';
import { ViewAhead } from './view-ahead.js';

/** Handles that record whether they were detached, and a subscribe that can be made to fail. */
function fakeJanus(opts: { failSubscribe?: boolean } = {}) {
  const handles: Array<{ alive: boolean; detached: boolean }> = [];
  const subscribed: string[] = [];
  const api = {
    attach: async () => {
      const h = {
        alive: true,
        detached: false,
        detach: async () => {
          h.alive = false;
          h.detached = true;
        },
      };
      handles.push(h);
      return h as unknown as JanusHandle;
    },
    subscribe: async (_h: JanusHandle, p: { feed: string }) => {
      if (opts.failSubscribe) throw new Error('No such feed');
      subscribed.push(p.feed);
      return { type: 'offer', sdp: `offer for ${p.feed}` };
    },
  } as unknown as VideoRoomApi;
  return { api, handles, subscribed };
}

const log = createLogger('silent', { write: () => {} });

describe('ViewAhead', () => {
  it('hands the subscription made ahead to the first view of that feed, once', async () => {
    const j = fakeJanus();
    const ahead = new ViewAhead('room', j.api, log);
    ahead.prepare('caller-1');
    ahead.prepare('caller-1'); // one at a time
    const got = await ahead.take('caller-1');
    expect(got?.sdp).toBe('offer for caller-1');
    expect(j.handles).toHaveLength(1);
    expect(got?.handle).toBe(j.handles[0]);
    expect(await ahead.take('caller-1')).toBeNull();
    expect(j.handles[0]!.detached).toBe(false); // the view owns it now
  });

  it('never serves another feed: a subscription to a feed since replaced is detached', async () => {
    const j = fakeJanus();
    const ahead = new ViewAhead('room', j.api, log);
    ahead.prepare('caller-1');
    expect(await ahead.take('caller-2')).toBeNull();
    expect(j.handles[0]!.detached).toBe(true);
  });

  it('never serves a handle Janus has dropped', async () => {
    const j = fakeJanus();
    const ahead = new ViewAhead('room', j.api, log);
    ahead.prepare('caller-1');
    await Promise.resolve();
    await Promise.resolve();
    j.handles[0]!.alive = false;
    expect(await ahead.take('caller-1')).toBeNull();
  });

  it('detaches on discard, even while the subscription is still being made', async () => {
    const j = fakeJanus();
    const ahead = new ViewAhead('room', j.api, log);
    ahead.prepare('caller-1');
    await ahead.discard();
    expect(j.handles[0]!.detached).toBe(true);
    expect(await ahead.take('caller-1')).toBeNull();
  });

  it('lets a failed subscription go (detached) and the view subscribe for itself', async () => {
    const j = fakeJanus({ failSubscribe: true });
    const ahead = new ViewAhead('room', j.api, log);
    ahead.prepare('caller-1');
    expect(await ahead.take('caller-1')).toBeNull();
    expect(j.handles[0]!.detached).toBe(true);
  });

  it('lets the subscription go if no officer takes it in time (nobody is watching the call)', async () => {
    vi.useFakeTimers();
    try {
      const j = fakeJanus();
      const ahead = new ViewAhead('room', j.api, log, 60_000);
      ahead.prepare('caller-1');
      await vi.advanceTimersByTimeAsync(59_000);
      expect(j.handles[0]!.detached).toBe(false);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(j.handles[0]!.detached).toBe(true);
      expect(await ahead.take('caller-1')).toBeNull();
      // A later publisher gets its own, with its own time.
      ahead.prepare('caller-2');
      expect((await ahead.take('caller-2'))?.sdp).toBe('offer for caller-2');
      await vi.advanceTimersByTimeAsync(120_000);
      expect(j.handles[1]!.detached).toBe(false); // taken: the view owns it
    } finally {
      vi.useRealTimers();
    }
  });
});
