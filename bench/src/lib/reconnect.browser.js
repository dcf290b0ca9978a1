// Injected into the real caller and console pages by the `reconnect` benchmark (plain JS, loaded
// as text). It observes only: it timestamps, on the wall clock (performance.timeOrigin + now, the
// same clock as the Node side's Date.now() on this machine), what each page does around a change
// of the phone's address, and on the console every video frame presented.
(() => {
  const now = () => performance.timeOrigin + performance.now();
  /** [name, epoch ms, detail?] in order; the benchmark reads those after the change. */
  const events = [];
  /** Console only: every frame presented: [presented at, last packet received at (or null)]. */
  const frames = [];
  window.__rc = { events, frames };
  const mark = (name, detail) => events.push([name, now(), detail ?? null]);
  const isConsole = location.pathname.startsWith('/sessions/');

  // Signalling: what is actually written to (and read from) a socket, not what is queued.
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('open', () => mark('ws.open'));
      this.addEventListener('close', () => mark('ws.close'));
      this.addEventListener('message', (e) => {
        try {
          const m = JSON.parse(String(e.data));
          if (m.type === 'session.updated') mark('recv:session.updated', m.session.publishing ? 'on' : 'off');
          else if (m.type !== 'pong' && m.type !== 'session.event') mark(`recv:${m.type}`, m.code ?? null);
        } catch {
          // not ours to judge
        }
      });
    }
    send(data) {
      try {
        const m = JSON.parse(String(data));
        if (m.type === 'publish.offer') mark('send:publish.offer', m.iceRestart ? 'ice-restart' : 'full');
        else if (m.type !== 'location.fix' && m.type !== 'ping') mark(`send:${m.type}`);
      } catch {
        // not ours to judge
      }
      return super.send(data);
    }
    close(...args) {
      mark('ws.drop');
      return super.close(...args);
    }
  };

  window.addEventListener('online', () => mark('online'));
  window.addEventListener('offline', () => mark('offline'));
  navigator.connection?.addEventListener?.('change', () => mark('connection.change'));

  const NativePc = window.RTCPeerConnection;
  let pcs = 0;
  window.RTCPeerConnection = class extends NativePc {
    constructor(cfg) {
      super(cfg);
      const n = ++pcs;
      mark('pc.new', n);
      this.addEventListener('iceconnectionstatechange', () => mark(`ice.${this.iceConnectionState}`, n));
      this.addEventListener('connectionstatechange', () => mark(`pc.${this.connectionState}`, n));
      this.addEventListener('icecandidate', (e) => {
        if (e.candidate?.address) mark('candidate', `${n} ${e.candidate.address} ${e.candidate.type}`);
      });
      watchStats(this, n);
    }
  };

  /**
   * Where the media is, sampled every 100 ms: the selected candidate pair changing, packets
   * heard again after a silence of 500 ms or more, and on the console the keyframe requests
   * sent (PLI) and keyframes decoded. Sampling costs a little CPU; it observes only.
   */
  function watchStats(pc, n) {
    let pair = null;
    let lastRx = null;
    let rxAt = now();
    let pli = 0;
    let keys = 0;
    const tick = async () => {
      if (pc.connectionState === 'closed') return;
      const stats = await pc.getStats().catch(() => null);
      stats?.forEach((r) => {
        if (r.type === 'transport' && r.selectedCandidatePairId && r.selectedCandidatePairId !== pair) {
          if (pair !== null) mark('pair.switch', n);
          pair = r.selectedCandidatePairId;
        }
        if (
          r.type === 'candidate-pair' &&
          r.id === pair &&
          typeof r.lastPacketReceivedTimestamp === 'number'
        ) {
          if (lastRx !== null && r.lastPacketReceivedTimestamp > lastRx && now() - rxAt >= 500)
            mark('rx.resumed', n);
          if (r.lastPacketReceivedTimestamp !== lastRx) rxAt = now();
          lastRx = r.lastPacketReceivedTimestamp;
        }
        if (r.type === 'inbound-rtp' && r.kind === 'video') {
          if ((r.pliCount ?? 0) > pli) mark('pli.sent', n);
          if ((r.keyFramesDecoded ?? 0) > keys) mark('keyframe.decoded', n);
          pli = r.pliCount ?? 0;
          keys = r.keyFramesDecoded ?? 0;
        }
      });
      setTimeout(tick, 100);
    };
    setTimeout(tick, 100);
  }

  if (isConsole) {
    // Every presented frame, across <video> elements React may replace.
    let watched = null;
    const watch = () => {
      const v = document.querySelector('[data-testid="live-video"]');
      if (v && v !== watched) {
        watched = v;
        const loop = (at, meta) => {
          const received =
            typeof meta?.receiveTime === 'number' ? performance.timeOrigin + meta.receiveTime : null;
          frames.push([performance.timeOrigin + at, received]);
          if (watched === v) v.requestVideoFrameCallback(loop);
        };
        v.requestVideoFrameCallback(loop);
      }
      setTimeout(watch, 20);
    };
    watch();
  }
})();
