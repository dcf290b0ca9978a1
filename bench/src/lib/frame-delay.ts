import { ReceiveStats } from '@sightline/testkit/synthetic';
import type { RtpPacket } from 'werift';
import { percentile } from './stats.js';

const AUDIO_PT = 111;
const VIDEO_CLOCK_KHZ = 90;

/**
 * A viewer's counters plus what a viewer would notice as delay. For each video frame (one RTP
 * timestamp) it takes the arrival of the frame's last packet and subtracts when the frame was
 * due by its RTP timestamp: `arrival - ts/90`. The smallest such value in a window is the
 * path's fixed delay; how far each frame lands above it is that frame's extra delay (queueing
 * in Janus, the network, or a late load generator). It also keeps the RFC 3550 interarrival
 * jitter of the video packets.
 */
export class ViewerMeter extends ReceiveStats {
  #seq = new Map<number, number>();
  #frameTs: number | null = null;
  #lastRtpTs: number | null = null;
  #extTs = 0;
  #frameArrival = 0;
  #transits: number[] = [];
  #lastTransit: number | null = null;
  #jitterMs = 0;

  constructor(private readonly now: () => number = () => performance.now()) {
    super();
  }

  override onPacket(rtp: RtpPacket): void {
    const arrival = this.now();
    this.bytes += rtp.payload.length + 12;
    this.packets++;
    const { ssrc, sequenceNumber: seq, timestamp, payloadType } = rtp.header;
    const prev = this.#seq.get(ssrc);
    if (prev !== undefined) {
      const gap = (seq - prev + 65536) % 65536;
      if (gap > 1 && gap < 3000) this.lost += gap - 1;
    }
    this.#seq.set(ssrc, seq);
    if (payloadType === AUDIO_PT) return;
    // Unwrapped: the 32-bit timestamp starts anywhere and may wrap inside a window.
    if (this.#lastRtpTs !== null) this.#extTs += ((timestamp - this.#lastRtpTs) << 0) / VIDEO_CLOCK_KHZ;
    this.#lastRtpTs = timestamp;
    const due = this.#extTs;
    const transit = arrival - due;
    if (this.#lastTransit !== null)
      this.#jitterMs += (Math.abs(transit - this.#lastTransit) - this.#jitterMs) / 16;
    this.#lastTransit = transit;
    if (this.#frameTs !== due) this.#closeFrame();
    this.#frameTs = due;
    this.#frameArrival = arrival;
  }

  #closeFrame(): void {
    if (this.#frameTs !== null) this.#transits.push(this.#frameArrival - this.#frameTs);
  }

  /**
   * Starts a new window: forgets the frames so far and the last sequence numbers, so a pause
   * in sending (the stack that is not being measured) is neither a delay nor a loss.
   */
  rebase(): void {
    this.#seq.clear();
    this.#frameTs = null;
    this.#transits = [];
    this.#lastTransit = null;
    this.#lastRtpTs = null;
    this.#extTs = 0;
    this.#jitterMs = 0;
  }

  /** Extra delay of each whole frame since rebase(), in ms above the window's fastest frame. */
  frameDelays(): number[] {
    const t = this.#transits;
    if (t.length === 0) return [];
    const min = Math.min(...t);
    return t.map((x) => x - min);
  }

  /** RFC 3550 interarrival jitter of the video packets, in ms. */
  jitterMs(): number {
    return this.#jitterMs;
  }
}

/** Frame delay over many viewers: p50/p95/p99 of every frame's extra delay, and mean jitter. */
export function frameDelaySummary(viewers: ViewerMeter[]) {
  const all = viewers.flatMap((v) => v.frameDelays());
  return {
    frames: all.length,
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    p99: percentile(all, 99),
    jitterMs: viewers.reduce((s, v) => s + v.jitterMs(), 0) / Math.max(1, viewers.length),
  };
}
