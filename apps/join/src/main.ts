import type { ServerToCaller } from '@sightline/protocol';
import { watchLocation } from './location.js';
import { openCamera, Publisher } from './publisher.js';
import { Signalling } from './signalling.js';
import { Store } from './store.js';
import { createRenderer } from './ui.js';

const store = new Store();
const root = document.getElementById('app')!;
const preview = Object.assign(document.createElement('video'), {
  muted: true,
  autoplay: true,
  playsInline: true,
});
preview.className = 'preview';
preview.setAttribute('aria-label', 'What your camera is showing');

let iceServers: RTCIceServer[] = [];
let publisher: Publisher | null = null;
let stopLocation: (() => void) | null = null;
let signalling: Signalling | null = null;

const actions = {
  start: () => void start(),
  decline: () => {
    signalling?.send({ type: 'consent', decision: 'refused' });
    store.update({ screen: 'refused' });
  },
  stop: () => {
    signalling?.send({ type: 'stop' });
    finish();
  },
  retry: () => void share(),
};
store.subscribe(createRenderer(root, preview, actions));

/** Claims the link for this phone, then opens signalling. */
async function boot(): Promise<void> {
  const token = location.pathname.split('/')[2] ?? '';
  const res = await fetch('/api/join/open', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
    credentials: 'same-origin',
  }).catch(() => null);
  if (!res?.ok) {
    store.update({ screen: 'unavailable' });
    return;
  }
  signalling = new Signalling(onMessage, (state, code) => {
    if (state === 'connected') store.update({ link: 'connected' });
    else if (state === 'reconnecting') store.update({ link: 'reconnecting' });
    else if (code === 4401) store.update({ screen: 'unavailable' });
  });
  signalling.connect();
}

function onMessage(msg: ServerToCaller): void {
  switch (msg.type) {
    case 'welcome': {
      iceServers = msg.iceServers;
      const s = msg.session.state;
      store.update({ agency: msg.session.agency });
      if (s === 'ended' || s === 'expired') finish();
      else if (store.state.screen === 'loading')
        store.update({ screen: s === 'refused' ? 'refused' : 'consent' });
      return;
    }
    case 'publish.answer':
      void publisher?.acceptAnswer(msg.sdp);
      return;
    case 'media.restart':
      publisher?.restart();
      return;
    case 'session.ended':
      finish();
      return;
    case 'error':
      if (msg.code === 'session_ended') finish();
      else if (msg.code === 'media_unavailable') setTimeout(() => publisher?.restart(), 1_000);
      return;
    default:
      return;
  }
}

async function start(): Promise<void> {
  signalling?.send({ type: 'consent', decision: 'accepted' });
  store.update({ screen: 'starting' });
  await share();
}

/** Opens camera and location (again, after a refusal is fixed) and publishes. */
async function share(): Promise<void> {
  const s = store.state;
  if (s.location !== 'on') startLocation();
  if (s.camera !== 'on') {
    const capture = await openCamera();
    store.update({ camera: capture.camera, microphone: capture.microphone });
    report('camera', capture.camera);
    report('microphone', capture.microphone);
    if (capture.stream) {
      if (capture.stream.getVideoTracks().length) preview.srcObject = capture.stream;
      publisher = new Publisher(capture.stream, iceServers, {
        sendOffer: (sdp) => signalling?.send({ type: 'publish.offer', sdp }),
        sendCandidate: (c) =>
          signalling?.send({
            type: 'publish.candidate',
            candidate: c?.candidate
              ? { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null }
              : null,
          }),
        onState: (media) => store.update({ media }),
      });
      await publisher.start();
    }
  }
  store.update({ screen: 'live' });
}

/** A fix this recent means a GPS timeout is a hiccup, not "location unavailable". */
const LOCATION_STALE_MS = 30_000;
let lastFixAt = 0;

function startLocation(): void {
  stopLocation?.();
  stopLocation = watchLocation(
    (fix) => {
      lastFixAt = Date.now();
      report('location', 'on');
      store.update({ location: 'on', accuracy: fix.accuracy });
      signalling?.send({ type: 'location.fix', fix });
    },
    (kind) => {
      // Phones time out between fixes indoors; only a refusal or a lasting gap changes the state.
      if (kind === 'unavailable' && Date.now() - lastFixAt < LOCATION_STALE_MS) return;
      store.update({ location: kind });
      report('location', kind);
    },
  );
}

const reported: Record<string, string> = {};
/** Tells the officer about a permission only when its state actually changes. */
function report(kind: 'camera' | 'microphone' | 'location', state: string): void {
  const mapped = state === 'on' ? 'granted' : state === 'denied' ? 'denied' : 'unavailable';
  if (reported[kind] === mapped) return;
  reported[kind] = mapped;
  signalling?.send({ type: 'permission', kind, state: mapped });
}

function finish(): void {
  publisher?.stop();
  publisher = null;
  stopLocation?.();
  stopLocation = null;
  preview.srcObject = null;
  signalling?.close();
  store.update({ screen: 'ended', camera: 'off', location: 'off', media: 'idle' });
}

void boot();
