import type { QualityLevel } from '@sightline/protocol';
import type { VideoStep } from './publisher.js';

export interface QualitySample {
  /** Bandwidth estimate towards the server, kbit/s. */
  kbps: number;
  /** Fraction of video packets the server reports lost, 0–1. */
  loss: number;
  /** The encoder says bandwidth is what holds it back (outbound-rtp qualityLimitationReason). */
  bandwidthLimited: boolean;
}

/** The level a single sample suggests. */
export function levelFor(s: QualitySample): QualityLevel {
  if (s.loss > 0.15) return 'stills';
  // The estimate means something only when the encoder is held back by it: a still
  // scene sends little, and the browser's estimate then stays low on the best of links.
  if (!s.bandwidthLimited) return s.loss > 0.08 ? 'poor' : s.loss > 0.03 ? 'fair' : 'good';
  if (s.kbps < 150) return 'stills';
  if (s.kbps < 500 || s.loss > 0.08) return 'poor';
  if (s.kbps < 1100 || s.loss > 0.03) return 'fair';
  return 'good';
}

/** Sustained readings needed before going to stills, and how long to stay before trying video again. */
const STILLS_AFTER = 3;
const RETRY_VIDEO_AFTER = 10;

/**
 * Tracks connection quality from successive samples. Between good and poor the
 * browser's own adaptation already lowers resolution and frame rate as the
 * bandwidth estimate falls; this tracker reports the level (for the caller and
 * the officer) and decides the one step the browser does not take: stills, when
 * the link stays too thin for moving video. In stills the estimate cannot grow
 * (little is sent), so every so often it tries video again.
 */
export class QualityTracker {
  #level: QualityLevel = 'good';
  #stills = false;
  #thin = 0;
  #inStills = 0;

  get level(): QualityLevel {
    return this.#level;
  }

  /** True while video should be sent as stills. */
  get stills(): boolean {
    return this.#stills;
  }

  push(s: QualitySample): QualityLevel {
    const suggested = levelFor(s);
    if (this.#stills) {
      // Try moving video again now and then; if the link is still thin it will come back here.
      // Stills send little, so the encoder is never held back: judge by the estimate alone.
      if (++this.#inStills >= RETRY_VIDEO_AFTER || levelFor({ ...s, bandwidthLimited: true }) !== 'stills') {
        this.#stills = false;
        this.#inStills = 0;
        this.#thin = 0;
      }
    } else if (suggested === 'stills') {
      if (++this.#thin >= STILLS_AFTER) {
        this.#stills = true;
        this.#inStills = 0;
      }
    } else {
      this.#thin = 0;
    }
    this.#level = this.#stills ? 'stills' : suggested === 'stills' ? 'poor' : suggested;
    return this.#level;
  }
}

/** The video step for a level: moving video while the link allows, then lower frame rate, then stills. */
export function stepFor(level: QualityLevel): VideoStep {
  return level === 'stills' ? 'stills' : level === 'poor' ? 'low' : 'smooth';
}

/** Bytes the selected candidate pair had sent, and when (stats timestamp, ms). */
export interface SentMark {
  bytes: number;
  at: number;
}

/**
 * Reads the bandwidth estimate and loss from one getStats() report. Chromium and WebKit give
 * the sender's estimate (candidate-pair availableOutgoingBitrate); Gecko gives neither that
 * nor qualityLimitationReason, only loss and bytes sent: there the rate actually sent since
 * `previous` stands in, and the level follows loss alone (bandwidthLimited stays false).
 * Returns null until a rate is known, with the mark to pass next time.
 */
export function sampleReport(
  reports: Iterable<Record<string, unknown>>,
  previous: SentMark | null,
): { sample: QualitySample | null; mark: SentMark | null } {
  let kbps: number | null = null;
  let loss = 0;
  let bandwidthLimited = false;
  let mark: SentMark | null = null;
  for (const r of reports) {
    if (r.type === 'outbound-rtp' && r.kind === 'video' && r.qualityLimitationReason === 'bandwidth')
      bandwidthLimited = true;
    if (r.type === 'candidate-pair' && r.state === 'succeeded') {
      if (typeof r.availableOutgoingBitrate === 'number') kbps = r.availableOutgoingBitrate / 1000;
      if (typeof r.bytesSent === 'number' && typeof r.timestamp === 'number' && (r.selected ?? r.nominated))
        mark = { bytes: r.bytesSent, at: r.timestamp };
    }
    // With simulcast there is one per layer: the worst says most about the uplink.
    if (r.type === 'remote-inbound-rtp' && r.kind === 'video' && typeof r.fractionLost === 'number')
      loss = Math.max(loss, r.fractionLost);
  }
  if (kbps === null && mark && previous && mark.at > previous.at && mark.bytes >= previous.bytes)
    kbps = ((mark.bytes - previous.bytes) * 8) / (mark.at - previous.at);
  return { sample: kbps === null ? null : { kbps, loss, bandwidthLimited }, mark };
}

/** Samples the publishing connection's stats, remembering what was sent for the next sample. */
export class StatsSampler {
  #mark: SentMark | null = null;

  async sample(pc: RTCPeerConnection): Promise<QualitySample | null> {
    const stats = await pc.getStats();
    const { sample, mark } = sampleReport(stats.values() as Iterable<Record<string, unknown>>, this.#mark);
    this.#mark = mark;
    return sample;
  }
}
