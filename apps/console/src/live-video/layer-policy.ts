import type { ServedLayer } from '@sightline/protocol';

/**
 * How the viewer's own link looked over the last second, from its inbound video statistics.
 * Janus does no congestion control towards viewers, so a link too thin for the full layer
 * shows as loss, growing jitter-buffer delay, freezes and frames the decoder drops.
 */
export interface LinkSample {
  /** Packets lost as a share of packets expected, 0–100. */
  lossPct: number;
  /** New freezes (a frame arriving much later than the frame rate says). */
  freezes: number;
  /** Average time a frame waited in the jitter buffer, ms; null before any frame. */
  jitterBufferMs: number | null;
  /** Frames dropped as a share of frames received, 0–100 (a slow phone falls behind too). */
  droppedPct: number;
}

export interface LayerPolicyOptions {
  /** A second is bad above this loss, %. Mobile links lose about 1% whatever the load: stay above it. */
  badLossPct: number;
  /** …or above this jitter-buffer delay, ms (a queue building up on the link). */
  badJitterMs: number;
  badDroppedPct: number;
  /** Bad seconds in a row that take a viewer on the full layer down to the light one. */
  downAfter: number;
  /** A second is good below this loss and jitter (and with no freeze). */
  goodLossPct: number;
  goodJitterMs: number;
  /** Good seconds on the light layer before trying the full one; doubled after each failed try. */
  upAfter: number;
  maxUpAfter: number;
  /** A try that lasts this long is a success: the wait before the next try returns to `upAfter`. */
  provenAfter: number;
  /** Seconds after a switch whose samples are ignored (the keyframe wait looks like a freeze). */
  settle: number;
}

export const LAYER_POLICY: LayerPolicyOptions = {
  badLossPct: 4,
  badJitterMs: 350,
  badDroppedPct: 15,
  downAfter: 2,
  goodLossPct: 2,
  goodJitterMs: 150,
  upAfter: 8,
  maxUpAfter: 64,
  provenAfter: 30,
  settle: 2,
};

export interface LayerPolicyState {
  layer: ServedLayer;
  bad: number;
  good: number;
  /** Good seconds needed before the next try of the full layer. */
  upAfter: number;
  /** Seconds since the last switch. */
  since: number;
}

export const initialLayerState = (
  layer: ServedLayer,
  o: LayerPolicyOptions = LAYER_POLICY,
): LayerPolicyState => ({
  layer,
  bad: 0,
  good: 0,
  upAfter: o.upAfter,
  since: 0,
});

/**
 * The `auto` layer choice, one call per second of statistics: drop to the light layer quickly
 * when the link struggles, climb back slowly when it has been clean for a while, and wait
 * longer after each try that fails (hysteresis, so a link on the edge does not flap).
 * Returns the new state and the layer to ask the server for, or null to stay.
 */
export function nextLayer(
  s: LayerPolicyState,
  link: LinkSample,
  o: LayerPolicyOptions = LAYER_POLICY,
): { state: LayerPolicyState; switchTo: ServedLayer | null } {
  const since = s.since + 1;
  if (since <= o.settle) return { state: { ...s, since }, switchTo: null };
  const jitter = link.jitterBufferMs ?? 0;
  const bad =
    link.lossPct > o.badLossPct ||
    link.freezes > 0 ||
    jitter > o.badJitterMs ||
    link.droppedPct > o.badDroppedPct;
  const good = !bad && link.lossPct < o.goodLossPct && jitter < o.goodJitterMs;
  if (s.layer === 'high') {
    const proven = since >= o.provenAfter;
    const badRun = bad ? s.bad + 1 : 0;
    if (badRun >= o.downAfter) {
      // A try that failed soon means the link cannot carry the full layer: wait longer next time.
      const upAfter = proven ? o.upAfter : Math.min(s.upAfter * 2, o.maxUpAfter);
      return { state: { layer: 'low', bad: 0, good: 0, upAfter, since: 0 }, switchTo: 'low' };
    }
    return {
      state: { ...s, bad: badRun, good: 0, since, upAfter: proven ? o.upAfter : s.upAfter },
      switchTo: null,
    };
  }
  const goodRun = good ? s.good + 1 : 0;
  if (goodRun >= s.upAfter)
    return { state: { layer: 'high', bad: 0, good: 0, upAfter: s.upAfter, since: 0 }, switchTo: 'high' };
  return { state: { ...s, bad: 0, good: goodRun, since }, switchTo: null };
}

type StatLike = Record<string, unknown>;
const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The inbound video counters the policy compares from one second to the next. */
export interface LinkCounters {
  packetsReceived: number;
  packetsLost: number;
  freezeCount: number;
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
  framesReceived: number;
  framesDropped: number;
}

/** Reads the counters from the video inbound-rtp entry of a stats report (see video-stats.ts). */
export function linkCounters(inbound: StatLike): LinkCounters {
  return {
    packetsReceived: n(inbound.packetsReceived),
    packetsLost: n(inbound.packetsLost),
    freezeCount: n(inbound.freezeCount),
    jitterBufferDelay: n(inbound.jitterBufferDelay),
    jitterBufferEmittedCount: n(inbound.jitterBufferEmittedCount),
    framesReceived: n(inbound.framesReceived),
    framesDropped: n(inbound.framesDropped),
  };
}

/** One second of the link, from two readings of the counters (null if they went backwards: a new view). */
export function linkSample(prev: LinkCounters, cur: LinkCounters): LinkSample | null {
  const d = (k: keyof LinkCounters) => cur[k] - prev[k];
  if (d('packetsReceived') < 0 || d('framesReceived') < 0) return null;
  const received = d('packetsReceived');
  const lost = Math.max(0, d('packetsLost'));
  const emitted = d('jitterBufferEmittedCount');
  const frames = d('framesReceived');
  return {
    lossPct: received + lost > 0 ? (100 * lost) / (received + lost) : 0,
    freezes: Math.max(0, d('freezeCount')),
    jitterBufferMs: emitted > 0 ? (1000 * d('jitterBufferDelay')) / emitted : null,
    droppedPct: frames > 0 ? (100 * Math.max(0, d('framesDropped'))) / frames : 0,
  };
}
