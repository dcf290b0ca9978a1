// Injected into the real caller and console pages (plain JS: it is loaded as text, never
// compiled) to timestamp each phase with one clock, performance.timeOrigin + performance.now(),
// shared by both pages because they run in one browser on one machine. It observes only.
(() => {
  const now = () => performance.timeOrigin + performance.now();
  const t = {};
  window.__bench = { t };
  const isConsole = location.pathname.startsWith('/sessions/');

  // Socket messages: when each signalling step leaves and arrives, to split the server's share
  // from the browser's. A listener added in the constructor runs before the page's own.
  const NativeSocket = window.WebSocket;
  const sent = { 'publish.offer': 'offerSent', 'view.start': 'viewRequested', 'view.answer': 'viewAnswered' };
  const received = { 'publish.answer': 'answerReceived', 'view.offer': 'viewOfferReceived' };
  const typeOf = (data) => {
    if (typeof data !== 'string') return undefined;
    const m = /"type":"([^"]+)"/.exec(data);
    return m ? m[1] : undefined;
  };
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const k = received[typeOf(e.data)];
        if (k) t[k] ??= now();
      });
    }
    send(data) {
      const k = sent[typeOf(data)];
      if (k) t[k] ??= now();
      return super.send(data);
    }
  };

  if (!isConsole) {
    document.addEventListener(
      'click',
      (e) => {
        if (e.target && e.target.id === 'start') t.click ??= now();
      },
      true,
    );
    const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (c) => {
      const s = await gum(c);
      t.gum ??= now();
      return s;
    };
  }

  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(cfg) {
      super(cfg);
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') t[isConsole ? 'viewConnected' : 'connected'] ??= now();
      });
      this.addEventListener('iceconnectionstatechange', () => {
        if (this.iceConnectionState === 'connected')
          t[isConsole ? 'viewIceConnected' : 'iceConnected'] ??= now();
      });
    }
    async createOffer(o) {
      if (!isConsole) t.createOffer ??= now();
      return super.createOffer(o);
    }
    async createAnswer(o) {
      const a = await super.createAnswer(o);
      if (isConsole) t.viewAnswerCreated ??= now();
      return a;
    }
    async setLocalDescription(d) {
      await super.setLocalDescription(d);
      if (!isConsole) t.offer ??= now();
    }
    async setRemoteDescription(d) {
      t[isConsole ? 'viewOffer' : 'answer'] ??= now();
      return super.setRemoteDescription(d);
    }
  };

  if (isConsole) {
    // React may replace the element, so keep (re)registering until a frame is presented.
    let watched = null;
    const watch = () => {
      if (t.firstFrame) return;
      const v = document.querySelector('[data-testid="live-video"]');
      if (v && v !== watched) {
        watched = v;
        v.requestVideoFrameCallback((at) => {
          t.firstFrame ??= performance.timeOrigin + at;
        });
      }
      setTimeout(watch, 5);
    };
    watch();
  }
})();
