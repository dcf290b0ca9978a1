import type { EvidenceItem, Recording, SessionDetail } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { type ApiClient, ApiRequestError } from '../api/api-client.js';
import { LibraryCache } from '../library/library-query.js';
import {
  event,
  evidenceItem,
  fakeSocket,
  fix,
  librarySession,
  recording,
  settle,
  summary,
} from '../testing/fixtures.js';
import { EvidencePageController, recordingOf } from './evidence-page-controller.js';

const T0 = 1_700_000_000_000;

const detail = (): SessionDetail => ({
  session: summary('s1', T0, { state: 'ended' }),
  timeline: [event('e1', T0, 'invite.sent'), event('e2', T0 + 5000, 'media.published')],
  track: [
    fix(51.2, -0.2, T0 + 7000, { fixTime: T0 + 6000 }),
    fix(51.1, -0.1, T0 + 6000, { fixTime: T0 + 5000 }),
  ],
});

const recs: Recording[] = [
  recording('r1', T0 + 4000, { mediaStartedAt: T0 + 5000 }),
  recording('r2', T0 + 60_000, { mediaStartedAt: T0 + 60_000 }),
];
const items: EvidenceItem[] = [
  evidenceItem('m1', 'master', 'r1'),
  evidenceItem('w1', 'working-copy', 'r1', { durationMs: 10_000 }),
  evidenceItem('w2', 'working-copy', 'r2', { durationMs: 10_000 }),
];

function page(api: Partial<ApiClient> = {}, opts: { canReadSession?: boolean; cache?: LibraryCache } = {}) {
  const s = fakeSocket();
  const full = {
    session: vi.fn(async () => detail()),
    evidence: vi.fn(async () => ({ items, recordings: recs })),
    notes: vi.fn(async () => []),
    librarySession: vi.fn(async () => librarySession('s1', T0, { policyId: 'mopi-3' })),
    ...api,
  };
  const ctl = new EvidencePageController('s1', {
    api: full as unknown as ApiClient,
    socket: s.socket,
    cache: opts.cache ?? new LibraryCache(),
    policies: () => [],
    canReadSession: opts.canReadSession ?? true,
  });
  ctl.start();
  return { ctl, s, api: full };
}

describe('EvidencePageController', () => {
  it('loads the session, its retention record and evidence, and puts the first working copy in the player', async () => {
    const { ctl, s, api } = page();
    await settle();
    const st = ctl.state.get();
    expect(st).toMatchObject({ status: 'ready', detail: 'ready', libraryStatus: 'ready' });
    expect(st.library?.policyId).toBe('mopi-3');
    expect(st.track.map((f) => f.lat)).toEqual([51.1, 51.2]);
    expect(api.librarySession).toHaveBeenCalledWith('s1');
    expect(ctl.playback.get()).toMatchObject({ itemId: 'w1', recordingId: 'r1' });
    expect(s.watched).toEqual(['+s1']);
    ctl.dispose();
    expect(s.watched).toEqual(['+s1', '-s1']);
    expect(s.listeners()).toBe(0);
  });

  it('without session:read shows the evidence and the cached library record, and does not watch', async () => {
    const cache = new LibraryCache();
    cache.remember([librarySession('s1', T0, { reference: 'CAD 9' })]);
    const session = vi.fn();
    const { ctl, s } = page({ session } as Partial<ApiClient>, { canReadSession: false, cache });
    expect(ctl.state.get().summary?.reference).toBe('CAD 9');
    await settle();
    expect(session).not.toHaveBeenCalled();
    expect(ctl.state.get()).toMatchObject({ status: 'ready', detail: 'forbidden' });
    expect(s.watched).toEqual([]);
  });

  it('shows not-found for an unknown session', async () => {
    const notFound = async () => {
      throw new ApiRequestError(404, 'not_found', 'Session not found.');
    };
    const { ctl } = page({ session: notFound, evidence: notFound } as Partial<ApiClient>);
    await settle();
    expect(ctl.state.get().status).toBe('not-found');
  });

  it('seeks to a timeline moment in whichever recording covers it', async () => {
    const { ctl } = page();
    await settle();
    expect(ctl.seekToMoment(T0 + 63_000)).toBe(true);
    expect(ctl.playback.get()).toMatchObject({ itemId: 'w2', mediaTime: 3 });
    expect(ctl.seekToMoment(T0 + 30_000)).toBe(false);
  });

  it('stays on a redacted copy when seeking within its recording', async () => {
    const redacted = evidenceItem('red1', 'redacted-copy', null, { derivedFrom: [items[1]!.sha256] });
    const { ctl } = page({
      evidence: async () => ({ items: [...items, redacted], recordings: recs }),
    } as Partial<ApiClient>);
    await settle();
    expect(recordingOf(redacted, [...items, redacted])).toBe('r1');
    ctl.play(redacted);
    ctl.seekToMoment(T0 + 7000);
    expect(ctl.playback.get()).toMatchObject({ itemId: 'red1', mediaTime: 2 });
  });

  it('seeks to a note by its recording and media time, and notes are written at the player position', async () => {
    const { ctl } = page();
    await settle();
    ctl.seekToNote({
      id: 'n',
      sessionId: 's1',
      kind: 'bookmark',
      text: 'x',
      mediaTime: 4.5,
      recordingId: 'r2',
      at: 0,
      createdAt: 0,
      author: { id: 'o', name: 'o' },
    });
    expect(ctl.playback.get()).toMatchObject({ itemId: 'w2', mediaTime: 4.5 });
    expect(ctl.notePosition()).toEqual({ recordingId: 'r2', mediaTime: 4.5, at: T0 + 64_500 });
  });

  it('adds timeline events that arrive while the page is open', async () => {
    const { ctl, s } = page();
    await settle();
    s.deliver({
      type: 'session.event',
      sessionId: 's1',
      event: event('e9', T0 + 90_000, 'evidence.redacted'),
    });
    s.deliver({ type: 'session.event', sessionId: 'other', event: event('x', T0, 'evidence.redacted') });
    expect(ctl.state.get().timeline.map((e) => e.id)).toEqual(['e1', 'e2', 'e9']);
  });

  it('reloads evidence when told it changed, and takes a disposed copy out of the player', async () => {
    const evidence = vi
      .fn()
      .mockResolvedValueOnce({ items, recordings: recs })
      .mockResolvedValueOnce({
        items: items.map((i) => (i.id === 'w1' ? { ...i, disposedAt: 5 } : i)),
        recordings: recs,
      });
    const { ctl, s } = page({ evidence } as Partial<ApiClient>);
    await settle();
    expect(ctl.playback.get().itemId).toBe('w1');
    s.deliver({ type: 'evidence.updated', sessionId: 's1' });
    await settle();
    expect(evidence).toHaveBeenCalledTimes(2);
    expect(ctl.playback.get().itemId).toBe('w2');
  });
});
