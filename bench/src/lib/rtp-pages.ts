import type { Page } from '@playwright/test';
import type { ConsoleClient } from '@sightline/testkit/console-client';

/** Collects every RTCPeerConnection a page makes (added before the page's own scripts run). */
export const KEEP_PEERS = `(() => {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    window.__pcs.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
})();`;

/** One layer the caller's browser is sending (an outbound-rtp entry). */
export interface SentLayer {
  rid: string | null;
  bytes: number;
  width: number | null;
  height: number | null;
  framesEncoded: number;
  /** Seconds the encoder spent on this layer so far (totalEncodeTime). */
  encodeSeconds: number;
  limitation: string | null;
}

/** The caller page's video senders, from the newest connection's stats. */
export function callerLayers(page: Page): Promise<{ at: number; layers: SentLayer[] }> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const pc = pcs.filter((p) => p.connectionState === 'connected').at(-1);
    const layers: SentLayer[] = [];
    if (pc)
      (await pc.getStats()).forEach((r: Record<string, unknown>) => {
        if (r.type !== 'outbound-rtp' || r.kind !== 'video') return;
        // No named helpers in here: tsx would wrap them in a __name() the page does not have.
        layers.push({
          rid: typeof r.rid === 'string' ? r.rid : null,
          bytes: Number(r.bytesSent ?? 0) + Number(r.headerBytesSent ?? 0),
          width: typeof r.frameWidth === 'number' ? r.frameWidth : null,
          height: typeof r.frameHeight === 'number' ? r.frameHeight : null,
          framesEncoded: Number(r.framesEncoded ?? 0),
          encodeSeconds: Number(r.totalEncodeTime ?? 0),
          limitation: typeof r.qualityLimitationReason === 'string' ? r.qualityLimitationReason : null,
        });
      });
    return { at: performance.now(), layers };
  });
}

/** What a viewer has received so far (its video inbound-rtp entry, as the console reads it). */
export interface Received {
  at: number;
  bytes: number;
  width: number | null;
  height: number | null;
  framesDecoded: number;
  freezes: number;
  freezeSeconds: number;
  inbound: Record<string, unknown> | null;
}

/** A bare viewer page: answers Janus's offer through the console socket and reads its stats. */
export class ViewerPage {
  viewId = '';
  constructor(
    readonly page: Page,
    private readonly con: ConsoleClient,
  ) {}

  /** Starts a view of the session on `layer` and waits until the first frame is decoded. */
  async start(sessionId: string, layer?: 'high' | 'low' | 'auto'): Promise<void> {
    const offer = await this.con.request(
      { type: 'view.start', sessionId, ...(layer ? { layer } : {}) },
      'view.offer',
    );
    this.viewId = offer.viewId as string;
    const sdp = await this.page.evaluate(async (remote: string) => {
      const w = window as unknown as { __viewer?: RTCPeerConnection };
      w.__viewer?.close();
      const pc = new RTCPeerConnection();
      w.__viewer = pc;
      await pc.setRemoteDescription({ type: 'offer', sdp: remote });
      await pc.setLocalDescription(await pc.createAnswer());
      // Answer with every candidate in it (no trickle), as the synthetic viewers do.
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') return resolve();
        pc.addEventListener(
          'icegatheringstatechange',
          () => pc.iceGatheringState === 'complete' && resolve(),
        );
      });
      return pc.localDescription?.sdp ?? '';
    }, offer.sdp as string);
    this.con.send({ type: 'view.answer', viewId: this.viewId, sdp });
    await this.page.waitForFunction(
      async () => {
        const pc = (window as unknown as { __viewer: RTCPeerConnection }).__viewer;
        let frames = 0;
        (await pc.getStats()).forEach((r: Record<string, unknown>) => {
          if (r.type === 'inbound-rtp' && r.kind === 'video') frames = Number(r.framesDecoded ?? 0);
        });
        return frames > 0;
      },
      null,
      { timeout: 30_000, polling: 250 },
    );
  }

  setLayer(layer: 'high' | 'low'): void {
    this.con.send({ type: 'view.layer', viewId: this.viewId, layer });
  }

  stop(): void {
    if (this.viewId) this.con.send({ type: 'view.stop', viewId: this.viewId });
    this.viewId = '';
  }

  received(): Promise<Received> {
    return this.page.evaluate(async () => {
      const pc = (window as unknown as { __viewer: RTCPeerConnection }).__viewer;
      let inbound: Record<string, unknown> | null = null;
      (await pc.getStats()).forEach((r: Record<string, unknown>) => {
        if (r.type === 'inbound-rtp' && r.kind === 'video') inbound = r;
      });
      const i = (inbound ?? {}) as Record<string, unknown>;
      return {
        at: performance.now(),
        bytes: Number(i.bytesReceived ?? 0) + Number(i.headerBytesReceived ?? 0),
        width: typeof i.frameWidth === 'number' ? i.frameWidth : null,
        height: typeof i.frameHeight === 'number' ? i.frameHeight : null,
        framesDecoded: Number(i.framesDecoded ?? 0),
        freezes: Number(i.freezeCount ?? 0),
        freezeSeconds: Number(i.totalFreezesDuration ?? 0),
        inbound,
      };
    });
  }
}
