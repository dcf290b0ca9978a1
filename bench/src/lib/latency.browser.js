// Glass-to-glass probe, injected into the real caller and console pages (plain JS, loaded as
// text). The caller's camera is replaced by a canvas showing the current time as a grid of
// black and white cells; the console reads the grid back from every presented frame. Both
// pages share one clock (same browser, same machine): performance.timeOrigin + performance.now().
(() => {
  const COLS = 8;
  const ROWS = 5; // 32 time bits + 8 check bits
  const W = 1280;
  const H = 720;
  const now = () => performance.timeOrigin + performance.now();
  const check = (v) =>
    (((v & 255) + ((v >>> 8) & 255) + ((v >>> 16) & 255) + ((v >>> 24) & 255)) & 255) ^ 0xa5;

  if (location.pathname.startsWith('/j/')) {
    const canvas = document.createElement('canvas');
    canvas.width = W;
    canvas.height = H;
    const g = canvas.getContext('2d');
    const cw = W / COLS;
    const ch = H / ROWS;
    const draw = () => {
      const t = Math.round(now()) >>> 0; // low 32 bits of epoch ms
      const bits = [];
      for (let i = 31; i >= 0; i--) bits.push((t >>> i) & 1);
      const c = check(t);
      for (let i = 7; i >= 0; i--) bits.push((c >>> i) & 1);
      for (let i = 0; i < bits.length; i++) {
        g.fillStyle = bits[i] ? '#fff' : '#000';
        g.fillRect((i % COLS) * cw, Math.floor(i / COLS) * ch, cw, ch);
      }
    };
    const loop = () => {
      draw();
      requestAnimationFrame(loop);
    };
    loop();
    navigator.mediaDevices.getUserMedia = async (c) => {
      const stream = canvas.captureStream(30);
      if (c?.audio) {
        const ac = new AudioContext();
        const osc = ac.createOscillator();
        const dest = ac.createMediaStreamDestination();
        osc.connect(dest);
        osc.start();
        for (const tr of dest.stream.getAudioTracks()) stream.addTrack(tr);
      }
      if (!c?.video) for (const tr of stream.getVideoTracks()) stream.removeTrack(tr);
      return stream;
    };
    return;
  }

  if (!location.pathname.startsWith('/sessions/')) return;
  const samples = [];
  let unreadable = 0;
  window.__latency = { samples, unreadable: () => unreadable };
  const small = document.createElement('canvas');
  small.width = COLS * 20;
  small.height = ROWS * 18;
  const sg = small.getContext('2d', { willReadFrequently: true });
  let watched = null;
  const onFrame = (video) => (_at, meta) => {
    if (video !== watched) return;
    sg.drawImage(video, 0, 0, small.width, small.height);
    const px = sg.getImageData(0, 0, small.width, small.height).data;
    let t = 0;
    let c = 0;
    for (let i = 0; i < COLS * ROWS; i++) {
      // Average a 6×6 patch at the cell centre; compression blurs the edges only.
      const cx = (i % COLS) * 20 + 7;
      const cy = Math.floor(i / COLS) * 18 + 6;
      let sum = 0;
      for (let y = cy; y < cy + 6; y++)
        for (let x = cx; x < cx + 6; x++) sum += px[(y * small.width + x) * 4 + 1];
      const bit = sum / 36 > 128 ? 1 : 0;
      if (i < 32) t = ((t << 1) | bit) >>> 0;
      else c = (c << 1) | bit;
    }
    if (c === check(t)) {
      const shown = performance.timeOrigin + (meta.expectedDisplayTime ?? _at);
      const lowNow = Math.round(shown) >>> 0;
      samples.push((lowNow - t) >>> 0 > 2 ** 31 ? -((t - lowNow) >>> 0) : (lowNow - t) >>> 0);
    } else unreadable++;
    video.requestVideoFrameCallback(onFrame(video));
  };
  const watch = () => {
    const v = document.querySelector('[data-testid="live-video"]');
    if (v && v !== watched) {
      watched = v;
      v.requestVideoFrameCallback(onFrame(v));
    }
    setTimeout(watch, 50);
  };
  watch();
})();
