import type { ExposureInterval } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { ExposureMeter } from './exposure-meter.js';
import { ExposureReporter } from './exposure-reporter.js';
import { ViewShield } from './view-shield.js';

const SESSION = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

describe('the view shield (blur and sound, per view)', () => {
  it('starts blurred and muted, and says so when the officer changes either', () => {
    const s = new ViewShield(undefined, 'live video');
    expect(s.state.get()).toMatchObject({ clear: false, muted: true, announcement: '' });
    s.seeClearly();
    expect(s.state.get()).toMatchObject({ clear: true, announcement: 'The live video is shown clearly.' });
    s.toggleClear();
    expect(s.state.get()).toMatchObject({ clear: false, announcement: 'The live video is blurred.' });
    s.toggleMuted();
    expect(s.state.get()).toMatchObject({ muted: false, announcement: 'Sound on.' });
  });

  it("takes the force's default when it arrives, but never over the officer's own choice", () => {
    const s = new ViewShield();
    s.applyDefaults({ startBlurred: false, startMuted: false });
    expect(s.state.get()).toMatchObject({ clear: true, muted: false });
    const chosen = new ViewShield();
    chosen.seeClearly();
    chosen.blurAgain();
    chosen.applyDefaults({ startBlurred: false, startMuted: true });
    expect(chosen.state.get().clear).toBe(false);
  });

  it('forgets the choice with the view: a new view starts protected again', () => {
    const first = new ViewShield();
    first.seeClearly();
    expect(new ViewShield().state.get().clear).toBe(false);
  });
});

describe('exposure accounting', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('counts only time that is clear, playing and visible at once', () => {
    const c = clock();
    const m = new ExposureMeter(c.now);
    m.setPlaying(true);
    c.advance(5_000); // playing but blurred: not seen
    m.setClear(true);
    c.advance(10_000); // seen
    m.setVisible(false);
    c.advance(7_000); // another tab in front: not seen
    m.setVisible(true);
    c.advance(3_000); // seen
    m.setPlaying(false);
    c.advance(4_000); // paused: not seen
    expect(m.take()).toEqual({ seenMs: 13_000, spanMs: 29_000 });
    expect(m.take()).toEqual({ seenMs: 0, spanMs: 0 });
  });

  it('splits a long clear view across takes without losing or doubling time', () => {
    const c = clock();
    const m = new ExposureMeter(c.now);
    m.setClear(true);
    m.setPlaying(true);
    c.advance(20_000);
    expect(m.take().seenMs).toBe(20_000);
    c.advance(20_000);
    expect(m.take().seenMs).toBe(20_000);
    expect(m.seeing).toBe(true);
  });
});

describe('the exposure reporter', () => {
  function rig(fail: Array<number | null> = []) {
    let t = 0;
    let n = 0;
    const sent: Array<{ intervals: ExposureInterval[]; keepalive: boolean }> = [];
    const timers: Array<() => void> = [];
    const r = new ExposureReporter({
      send: async (intervals, { keepalive }) => {
        sent.push({ intervals, keepalive });
        const status = fail.shift();
        if (status !== undefined && status !== null) throw { status };
      },
      intervalMs: () => 20_000,
      now: () => t,
      newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
      setTimer: (fn) => timers.push(fn),
    });
    return { r, sent, advance: (ms: number) => (t += ms), timers };
  }

  it('sends one batch per heartbeat and the remainder when the view stops', async () => {
    const { r, sent, advance } = rig();
    const v = r.track({ sessionId: SESSION, kind: 'live' });
    v.meter.setClear(true);
    v.meter.setPlaying(true);
    advance(20_000);
    await r.tick();
    advance(5_000);
    v.stop();
    await Promise.resolve();
    expect(sent.map((s) => s.intervals.map((i) => i.seenMs))).toEqual([[20_000], [5_000]]);
    expect(sent[0]!.intervals[0]).toMatchObject({ sessionId: SESSION, kind: 'live', spanMs: 20_000 });
  });

  it('sends nothing for blurred footage', async () => {
    const { r, sent, advance } = rig();
    const v = r.track({ sessionId: SESSION, kind: 'recorded', itemId: 'item-1' });
    v.meter.setPlaying(true);
    advance(20_000);
    await r.tick();
    expect(sent).toEqual([]);
  });

  it('retries a failed report with the same id, so the server counts it once', async () => {
    const { r, sent, advance } = rig([0]);
    const v = r.track({ sessionId: SESSION, kind: 'live' });
    v.meter.setClear(true);
    v.meter.setPlaying(true);
    advance(20_000);
    await r.tick(); // network failure
    advance(20_000);
    await r.tick();
    expect(sent[0]!.intervals.map((i) => i.id)).toEqual([sent[1]!.intervals[0]!.id]);
    expect(sent[1]!.intervals).toHaveLength(2);
    expect(r.pending).toEqual([]);
  });

  it('drops what the server refused as invalid rather than retrying for ever', async () => {
    const { r, advance } = rig([400]);
    const v = r.track({ sessionId: SESSION, kind: 'live' });
    v.meter.setClear(true);
    v.meter.setPlaying(true);
    advance(20_000);
    await r.tick();
    expect(r.pending).toEqual([]);
  });

  it('flushes with keepalive when the page is hidden, and stops counting while hidden', async () => {
    const { r, sent, advance } = rig();
    const v = r.track({ sessionId: SESSION, kind: 'live' });
    v.meter.setClear(true);
    v.meter.setPlaying(true);
    advance(8_000);
    r.setVisible(false);
    expect(sent).toEqual([{ intervals: [expect.objectContaining({ seenMs: 8_000 })], keepalive: true }]);
    advance(60_000);
    r.setVisible(true);
    advance(2_000);
    await r.tick();
    expect(sent.at(-1)!.intervals.map((i) => i.seenMs)).toEqual([2_000]);
  });

  it('counts two tiles seen clearly at once as wall-clock time, shared between them', async () => {
    const { r, sent, advance } = rig();
    const a = r.track({ sessionId: SESSION, kind: 'live' });
    const b = r.track({ sessionId: OTHER, kind: 'live' });
    for (const v of [a, b]) v.meter.setPlaying(true);
    a.meter.setClear(true);
    advance(10_000); // only tile A clear
    b.meter.setClear(true);
    advance(10_000); // both clear: ten seconds of the officer's time, not twenty
    await r.tick();
    const seen = sent[0]!.intervals.map((i) => [i.sessionId, i.seenMs]);
    expect(seen).toEqual([
      [SESSION, 15_000],
      [OTHER, 5_000],
    ]);
    expect(sent[0]!.intervals.reduce((t, i) => t + i.seenMs, 0)).toBe(20_000);
  });

  it('sends the last minutes before sign-out, and nothing of one officer under the next', async () => {
    const { r, sent, advance } = rig();
    const v = r.track({ sessionId: SESSION, kind: 'live' });
    v.meter.setClear(true);
    v.meter.setPlaying(true);
    advance(7_000);
    const flushed = r.flush();
    await flushed;
    expect(sent.map((s) => [s.intervals.map((i) => i.seenMs), s.keepalive])).toEqual([[[7_000], true]]);

    // Another officer signs in: what was kept for retry is dropped, and a send still in flight
    // that fails afterwards is not put back.
    let t = 0;
    let fail: (err: unknown) => void = () => {};
    const w = new ExposureReporter({
      send: () => new Promise<void>((_, reject) => (fail = reject)),
      intervalMs: () => 20_000,
      now: () => t,
      setTimer: () => null,
    });
    const view = w.track({ sessionId: SESSION, kind: 'live' });
    view.meter.setClear(true);
    view.meter.setPlaying(true);
    t += 20_000;
    const beat = w.tick();
    w.reset();
    fail({ status: 0 });
    await beat;
    expect(w.pending).toEqual([]);
    t += 3_000;
    void w.tick();
    expect(w.pending).toEqual([]); // in flight now, and only the new officer's 3 s
    fail({ status: 0 });
    await Promise.resolve();
    await Promise.resolve();
    expect(w.pending.map((i) => i.seenMs)).toEqual([3_000]);
  });
});
