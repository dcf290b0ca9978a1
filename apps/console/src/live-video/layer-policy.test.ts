import { describe, expect, it } from 'vitest';
import {
  initialLayerState,
  LAYER_POLICY,
  type LayerPolicyState,
  type LinkSample,
  linkCounters,
  linkSample,
  nextLayer,
} from './layer-policy.js';

const clean: LinkSample = { lossPct: 0.5, freezes: 0, jitterBufferMs: 60, droppedPct: 0 };
const congested: LinkSample = { lossPct: 9, freezes: 1, jitterBufferMs: 600, droppedPct: 0 };

/** Feeds seconds of link samples through the policy; returns the layer after each and the switches asked for. */
function run(start: LayerPolicyState, samples: LinkSample[]) {
  let state = start;
  const switches: string[] = [];
  const layers: string[] = [];
  samples.forEach((s, i) => {
    const r = nextLayer(state, s);
    state = r.state;
    if (r.switchTo) switches.push(`${i + 1}s→${r.switchTo}`);
    layers.push(state.layer);
  });
  return { state, switches, layers };
}
const seconds = (n: number, s: LinkSample) => Array.from({ length: n }, () => s);

describe('the automatic layer choice', () => {
  it('climbs from the light layer to the full one after a clean spell on a good link', () => {
    const r = run(initialLayerState('low'), seconds(12, clean));
    // Two seconds settling after the view starts, then eight clean seconds.
    expect(r.switches).toEqual(['10s→high']);
  });

  it('drops to the light layer after two bad seconds in a row, not after one', () => {
    const onHigh = run(initialLayerState('high'), seconds(3, clean)).state;
    expect(run(onHigh, [congested, clean, congested, clean]).switches).toEqual([]);
    expect(run(onHigh, [congested, congested]).switches).toEqual(['2s→low']);
  });

  it('a mobile link that always loses about 1% still gets the full picture', () => {
    const lossy = { ...clean, lossPct: 1.2 };
    expect(run(initialLayerState('low'), seconds(40, lossy)).layers.at(-1)).toBe('high');
  });

  it('on a link too thin for the full layer, waits twice as long after each failed try (no flapping)', () => {
    // Each try of the full layer congests the link within seconds; the light layer is clean.
    let state = initialLayerState('low');
    const tries: number[] = [];
    let t = 0;
    while (t < 240) {
      const r = nextLayer(state, state.layer === 'high' ? congested : clean);
      state = r.state;
      t++;
      if (r.switchTo === 'high') tries.push(t);
    }
    const gaps = tries.slice(1).map((x, i) => x - tries[i]!);
    // Each gap: 2 s settling + 2 bad seconds on the full layer, 2 s settling + the wait on the light one.
    expect(gaps.slice(0, 3)).toEqual([6 + 16, 6 + 32, 6 + 64]);
    expect(Math.max(...gaps)).toBe(6 + LAYER_POLICY.maxUpAfter);
  });

  it('forgets old failures once the full layer has held for a while', () => {
    const afterFailures = { ...initialLayerState('high'), upAfter: 64 };
    const held = run(afterFailures, seconds(31, clean)).state;
    expect(held.upAfter).toBe(LAYER_POLICY.upAfter);
  });

  it('ignores the seconds just after a switch (the wait for a keyframe looks like a freeze)', () => {
    const r = run(initialLayerState('high'), [congested, congested, clean]);
    expect(r.switches).toEqual([]);
  });
});

describe('one second of the link from inbound-rtp counters', () => {
  const at = (o: Record<string, number>) =>
    linkCounters({ type: 'inbound-rtp', kind: 'video', ...o }) as ReturnType<typeof linkCounters>;

  it('reads loss, freezes, jitter-buffer delay and dropped frames as differences', () => {
    const a = at({
      packetsReceived: 1000,
      packetsLost: 10,
      freezeCount: 1,
      jitterBufferDelay: 3,
      jitterBufferEmittedCount: 30,
      framesReceived: 30,
      framesDropped: 0,
    });
    const b = at({
      packetsReceived: 1190,
      packetsLost: 20,
      freezeCount: 2,
      jitterBufferDelay: 9,
      jitterBufferEmittedCount: 60,
      framesReceived: 60,
      framesDropped: 3,
    });
    expect(linkSample(a, b)).toEqual({ lossPct: 5, freezes: 1, jitterBufferMs: 200, droppedPct: 10 });
  });

  it('says nothing for counters that went backwards (a new view) and copes with no packets', () => {
    const a = at({ packetsReceived: 500, framesReceived: 10 });
    expect(linkSample(a, at({ packetsReceived: 10, framesReceived: 1 }))).toBeNull();
    expect(linkSample(a, a)).toEqual({ lossPct: 0, freezes: 0, jitterBufferMs: null, droppedPct: 0 });
  });
});
