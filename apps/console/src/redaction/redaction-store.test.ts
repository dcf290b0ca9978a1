import type { RedactionJob } from '@sightline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { fakeSocket, settle } from '../testing/fixtures.js';
import { buildRedaction, RedactionStore } from './redaction-store.js';

const job = (patch: Partial<RedactionJob> = {}): RedactionJob => ({
  id: 'j1',
  sourceId: 'w1',
  state: 'queued',
  resultId: null,
  error: null,
  createdAt: 1,
  ...patch,
});

function editor(api: Partial<ConstructorParameters<typeof RedactionStore>[0]['api']> = {}) {
  const s = fakeSocket();
  const onFinished = vi.fn();
  const deps = {
    createRedaction: vi.fn(async () => job()),
    redactionJob: vi.fn(async () => job({ state: 'done', resultId: 'red1' })),
    ...api,
  };
  const st = new RedactionStore({ api: deps, socket: s.socket, onFinished, pollMs: 60_000 });
  st.open('w1', 30);
  return { st, s, deps, onFinished };
}

describe('buildRedaction', () => {
  const base = { regions: [], mute: [], muteFrom: '', muteTo: '', reason: 'Third party face', duration: 30 };

  it('needs something to redact and a reason', () => {
    const r = buildRedaction({ ...base, reason: 'x' });
    expect(r).toEqual({
      errors: {
        form: 'Draw at least one area to blur, or add a range to mute.',
        reason: 'Give the reason for this redaction (at least 5 characters).',
      },
    });
  });

  it('flags each region whose end is not after its start', () => {
    const r = buildRedaction({
      ...base,
      regions: [
        { id: 'a', x: 0, y: 0, width: 0.5, height: 0.5, from: '4', to: '4' },
        { id: 'b', x: 0, y: 0, width: 0.5, height: 0.5, from: '1', to: '2' },
      ],
    });
    expect('errors' in r && r.errors.regions).toEqual({ a: 'The end must be after the start.' });
  });

  it('does not silently drop a half-typed muted range', () => {
    const r = buildRedaction({ ...base, mute: [{ from: 1, to: 2 }], muteFrom: '3' });
    expect('errors' in r && r.errors.mute).toMatch(/Add muted range/);
  });
});

describe('RedactionStore', () => {
  it('adds a drawn region from the current time for five seconds, and can set times to now', () => {
    const { st } = editor();
    st.addRegion({ x: 0.1, y: 0.2, width: 0.3, height: 0.4 }, 12.34);
    const r = st.get().regions[0]!;
    expect(r).toMatchObject({ x: 0.1, y: 0.2, width: 0.3, height: 0.4, from: '12.3', to: '17.3' });
    expect(st.get().selected).toBe(r.id);
    st.setTimeToCurrent(r.id, 'to', 20);
    expect(st.get().regions[0]?.to).toBe('20');
    st.setRect(r.id, { x: 0.95 });
    expect(st.get().regions[0]?.x).toBe(0.7);
  });

  it('adds muted ranges in time order and rejects backwards ones', () => {
    const { st } = editor();
    st.setMuteText('from', '10');
    st.setMuteText('to', '5');
    expect(st.addMute()).toBe(false);
    expect(st.get().errors.mute).toMatch(/after the start/);
    st.setMuteText('to', '12');
    expect(st.addMute()).toBe(true);
    st.setMuteText('from', '1');
    st.setMuteText('to', '2');
    st.addMute();
    expect(st.get().mute).toEqual([
      { from: 1, to: 2 },
      { from: 10, to: 12 },
    ]);
  });

  it('submits fractions and seconds, follows the job and reports the redacted copy once', async () => {
    const { st, s, deps, onFinished } = editor();
    st.addRegion({ x: 0.25, y: 0.25, width: 0.5, height: 0.5 }, 2);
    st.setMuteText('from', '3');
    st.setMuteText('to', '4.5');
    st.addMute();
    st.setReason('Face of a bystander');
    expect(await st.submit()).toBe(true);
    expect(st.get()).toMatchObject({ open: false, regions: [], mute: [] });
    expect(deps.createRedaction).toHaveBeenCalledWith('w1', {
      regions: [{ x: 0.25, y: 0.25, width: 0.5, height: 0.5, from: 2, to: 7 }],
      mute: [{ from: 3, to: 4.5 }],
      reason: 'Face of a bystander',
    });
    s.deliver({
      type: 'job.updated',
      jobType: 'redaction',
      jobId: 'j1',
      state: 'running',
      done: 10,
      total: 40,
    });
    expect(st.get().job?.state).toBe('running');
    expect(st.get().progress).toEqual({ done: 10, total: 40 });
    s.deliver({ type: 'job.updated', jobType: 'redaction', jobId: 'j1', state: 'done', done: 40, total: 40 });
    await settle();
    expect(st.get().job).toMatchObject({ state: 'done', resultId: 'red1' });
    expect(onFinished).toHaveBeenCalledTimes(1);
    expect(s.listeners()).toBe(0);
  });

  it('will not start a second job while one is running', async () => {
    const { st, deps } = editor();
    st.addRegion(null, 0);
    st.setReason('Face of a bystander');
    await st.submit();
    st.addRegion(null, 0);
    expect(await st.submit()).toBe(false);
    expect(deps.createRedaction).toHaveBeenCalledTimes(1);
  });
});
