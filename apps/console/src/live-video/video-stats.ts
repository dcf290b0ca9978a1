/** One reading of the inbound video counters, kept to compute rates at the next reading. */
export interface StatsSample {
  /** ms, from the stats report (not Date.now, which can jump). */
  timestamp: number;
  bytesReceived: number;
  framesDecoded: number;
}

/** What the stats line under the live video shows. */
export interface VideoStats {
  width: number | null;
  height: number | null;
  fps: number | null;
  bitrateBps: number | null;
  framesDecoded: number;
}

export const EMPTY_STATS: VideoStats = {
  width: null,
  height: null,
  fps: null,
  bitrateBps: null,
  framesDecoded: 0,
};

type StatLike = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The video inbound-rtp entry of a stats report: with a renegotiation there can be several; the one decoding most is on screen. */
export function videoInbound(report: Iterable<StatLike>): StatLike | null {
  let inbound: StatLike | null = null;
  for (const s of report) {
    if (s.type === 'inbound-rtp' && (s.kind === 'video' || s.mediaType === 'video')) {
      if (!inbound || (num(s.framesDecoded) ?? 0) >= (num(inbound.framesDecoded) ?? 0)) inbound = s;
    }
  }
  return inbound;
}

/**
 * Reads the video inbound-rtp entry of an RTCPeerConnection stats report.
 * Bitrate and (when the browser omits framesPerSecond) fps come from the
 * difference to the previous sample; the first reading has no bitrate.
 */
export function readVideoStats(
  report: Iterable<StatLike>,
  prev: StatsSample | null,
): { stats: VideoStats; sample: StatsSample } | null {
  const inbound = videoInbound(report);
  if (!inbound) return null;
  const sample: StatsSample = {
    timestamp: num(inbound.timestamp) ?? 0,
    bytesReceived: num(inbound.bytesReceived) ?? 0,
    framesDecoded: Math.max(0, Math.trunc(num(inbound.framesDecoded) ?? 0)),
  };
  const dt = prev ? (sample.timestamp - prev.timestamp) / 1000 : 0;
  // A counter going backwards means a new stream (e.g. after a restart): no rate this time.
  const usable = prev !== null && dt > 0 && sample.bytesReceived >= prev.bytesReceived;
  const bitrateBps = usable ? Math.round(((sample.bytesReceived - prev.bytesReceived) * 8) / dt) : null;
  const derivedFps = usable ? (sample.framesDecoded - prev.framesDecoded) / dt : null;
  const fps = num(inbound.framesPerSecond) ?? (derivedFps !== null && derivedFps >= 0 ? derivedFps : null);
  return {
    sample,
    stats: {
      width: num(inbound.frameWidth),
      height: num(inbound.frameHeight),
      fps: fps === null ? null : Math.round(fps),
      bitrateBps,
      framesDecoded: sample.framesDecoded,
    },
  };
}
