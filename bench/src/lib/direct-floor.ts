import type { Browser } from 'playwright';
import { phoneContext } from './sightline.js';

/**
 * The same browser's floor for a first frame: two PeerConnections in one page of the browser the
 * ttff benchmark uses (fake camera, the namespace's interface), connected directly with no
 * server, no Janus and no signalling delay (descriptions and candidates are handed over in the
 * page). Timed like ttff: from the camera being asked for to the first frame a <video> presents.
 * Sightline's path has two connections in series (phone → Janus → console) and real signalling,
 * so this is below what any SFU path could reach; measured interleaved with the ttff runs, it
 * also shows how fast the host is at that moment (it moves ttff by ±100 ms from hour to hour).
 */
export async function directFirstFrame(browser: Browser, origin: string): Promise<Record<string, number>> {
  const context = await phoneContext(browser);
  try {
    const page = await context.newPage();
    // Any page of the server's origin: a secure context (127.0.0.1) for getUserMedia.
    await page.goto(`${origin}/healthz`);
    return await page.evaluate(DIRECT);
  } finally {
    await context.close();
  }
}

// Runs in the page; times are milliseconds from the camera request.
const DIRECT = `(async () => {
  const t0 = performance.now();
  const at = () => performance.now() - t0;
  const t = {};
  const send = new RTCPeerConnection();
  const recv = new RTCPeerConnection();
  send.onicecandidate = (e) => e.candidate && recv.addIceCandidate(e.candidate);
  recv.onicecandidate = (e) => e.candidate && send.addIceCandidate(e.candidate);
  const firstFrame = new Promise((resolve) => {
    recv.ontrack = (e) => {
      if (e.track.kind !== 'video') return;
      const v = document.createElement('video');
      v.muted = true; v.autoplay = true; v.playsInline = true;
      v.srcObject = new MediaStream([e.track]);
      document.body.append(v);
      v.requestVideoFrameCallback(() => resolve(at()));
    };
  });
  const connected = new Promise((resolve) => {
    send.onconnectionstatechange = () => send.connectionState === 'connected' && resolve(at());
  });
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } },
    audio: true,
  });
  t.getUserMedia = at();
  for (const track of stream.getTracks()) send.addTrack(track, stream);
  await send.setLocalDescription(await send.createOffer());
  await recv.setRemoteDescription(send.localDescription);
  await recv.setLocalDescription(await recv.createAnswer());
  await send.setRemoteDescription(recv.localDescription);
  t.negotiated = at() - t.getUserMedia;
  const c = await connected;
  t.connect = c - t.getUserMedia - t.negotiated;
  t.total = await firstFrame;
  t.firstFrameAfterConnect = t.total - c;
  for (const track of stream.getTracks()) track.stop();
  send.close();
  recv.close();
  return t;
})()`;
