import type { FeedbackAnswer, Language, ServerToCaller } from '@sightline/protocol';
import { ChatController, chatRefused } from './chat-controller.js';
import { detectEnvironment } from './env.js';
import { initialLanguage, setLanguage, t } from './i18n.js';
import { LocationTracker } from './location-tracker.js';
import { MediaController } from './media-controller.js';
import { OfficerView } from './officer-view.js';
import { shownVersion } from './privacy.js';
import { refusal, retryDelay } from './refusal.js';
import { Signalling } from './signalling.js';
import { videoEncodings } from './simulcast.js';
import { interpreterNoticeKey, Store, type Transfer } from './store.js';
import { createRenderer } from './ui/render.js';

const store = new Store();
const env = detectEnvironment();
const root = document.getElementById('app')!;
const announcer = document.getElementById('announce')!;
const token = location.pathname.split('/')[2] ?? '';
let signalling: Signalling | null = null;
/** What every PeerConnection is made with; `relay` keeps the caller's address from Janus. */
let rtcConfig: RTCConfiguration = { iceServers: [] };
/** Whether the server takes the video as simulcast layers (its welcome says). */
let simulcast = false;

const video = (attrs: Record<string, string>, muted: boolean) => {
  const v = Object.assign(document.createElement('video'), { muted, autoplay: true, playsInline: true });
  for (const [k, val] of Object.entries(attrs)) v.setAttribute(k, val);
  return v;
};
const preview = video({ class: 'preview', 'data-testid': 'caller-preview' }, true);
const officerVideo = video({ class: 'officer-video', 'data-testid': 'officer-video' }, false);
const interpreterVideo = video({ class: 'officer-video', 'data-testid': 'interpreter-video' }, false);

/** Speaks a change to screen-reader users without moving their focus. */
const announce = (text: string) => {
  announcer.textContent = '';
  requestAnimationFrame(() => {
    announcer.textContent = text;
  });
};

const tracker = new LocationTracker(
  token,
  () => signalling,
  ({ stopped }) => {
    const before = store.state.trackingStopped;
    store.update({ trackingStopped: stopped });
    // A refusal is said by its own help (role alert); the others by the banner's words.
    if (stopped && stopped !== 'denied')
      announce(`${t('tracking.stopped.title')}. ${t(`tracking.stopped.${stopped}`)}`);
    else if (!stopped && before) announce(t('tracking.resumed'));
  },
);
const media = new MediaController(
  store,
  () => signalling,
  () => rtcConfig,
  preview,
  officerVideo,
  () => videoEncodings(simulcast, env.platform),
  env.platform,
  tracker,
);
/** Set when the caller declines an interpreter, until the next one joins. */
let interpreterDeclined = false;
/** The interpreter's camera, offered by the server once they publish. */
const interpreterView = new OfficerView(() => rtcConfig, {
  sendAnswer: (sdp) => signalling?.send({ type: 'interpreter-view.answer', sdp }),
  sendCandidate: (c) =>
    signalling?.send({
      type: 'interpreter-view.candidate',
      candidate: c?.candidate
        ? { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null }
        : null,
    }),
  onStream: (stream) => {
    interpreterVideo.srcObject = stream;
    store.update({ interpreterVideo: stream !== null });
  },
});
const chat = new ChatController(
  store,
  () => signalling,
  announce,
  (text) => t('chat.newMessage', { text }),
);

const render = createRenderer(
  root,
  env,
  { preview, officer: officerVideo, interpreter: interpreterVideo },
  {
    language: (code) => void switchLanguage(code as Language),
    start: () => void start(),
    decline: () => {
      signalling?.send({ type: 'consent', decision: 'refused', ...shownVersion(store.state) });
      store.update({ screen: 'refused' });
    },
    chatOnly: () => chat.open(),
    notice: (open) => store.update({ noticeOpen: open }),
    stop: () => {
      signalling?.send({ type: 'stop' });
      void finish();
    },
    retry: () => void media.share(),
    switchCamera: () => void media.switchCamera(),
    togglePause: () => media.togglePause(),
    toggleMute: () => media.toggleMute(),
    toggleTorch: () => void media.toggleTorch(),
    answerRequest: (accepted) => void answerRequest(accepted),
    confirmInterpreterDecline: (asking) => store.update({ interpreterConfirm: asking }),
    declineInterpreter: () => {
      interpreterDeclined = true;
      signalling?.send({ type: 'interpreter.decline' });
      interpreterView.close();
      store.update({ interpreter: null, interpreterConfirm: false });
    },
    sendChat: (text) => chat.send(text),
    openChat: () => chat.open(),
    sendFiles: (files) => void sendFiles(files),
    copyLink: () =>
      void navigator.clipboard
        ?.writeText(location.href)
        .then(() => announce(t('inApp.copied', { browser: env.platform === 'ios' ? 'Safari' : 'Chrome' }))),
    continueInApp: () => {
      store.update({ inAppDismissed: true });
      void claim();
    },
    feedback: (answer, text) => void sendFeedback(answer, text),
    skipFeedback: () => store.update({ feedback: 'skipped' }),
  },
);
store.subscribe(render);

async function switchLanguage(code: Language, remember = true): Promise<void> {
  await setLanguage(code, remember);
  store.update({ language: code });
  askForWords();
}

/** Asks the server for the consent screen's and notice's words in the page's language. */
function askForWords(): void {
  if (store.state.consentText?.text.language !== store.state.language)
    signalling?.send({ type: 'privacy.get', language: store.state.language });
}

/** Starts in the right language; in an app's built-in browser, explains first (the link is not claimed there yet). */
async function boot(): Promise<void> {
  await switchLanguage(initialLanguage(new URLSearchParams(location.search).get('l')), false);
  // A browser that cannot take part is recorded before the link is claimed: a caller stuck in
  // an app's built-in browser often never claims it. Nothing waits for the answer.
  if (env.inAppBrowser || !env.webrtc)
    void fetch('/api/join/environment', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, inAppBrowser: env.inAppBrowser, webrtc: env.webrtc }),
    }).catch(() => {});
  if (env.inAppBrowser) {
    store.update({ screen: 'inapp' });
    return;
  }
  await claim();
}

/** Claims the link for this phone, then opens signalling. */
async function claim(): Promise<void> {
  const res = await fetch('/api/join/open', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
    credentials: 'same-origin',
  }).catch(() => null);
  if (!res?.ok) {
    const shown = await refusal(res);
    store.update(shown);
    // Left open on "not yet open", the page claims again as the window opens: no reload needed.
    if (typeof shown.opensAt === 'number')
      setTimeout(() => void claim(), retryDelay(shown.opensAt, Date.now()));
    return;
  }
  // What an earlier page on this link kept unsent (a reload, a crash) goes out on connecting.
  tracker.openDeviceCopy();
  signalling = new Signalling(onMessage, (state, code) => {
    tracker.link(state === 'connected');
    if (state === 'connected') {
      store.update({ link: 'connected' });
      chat.resendPending();
    } else if (state === 'reconnecting') {
      store.update({ link: 'reconnecting' });
      announce(t('connection.reconnecting'));
    } else if (code === 4401) store.update({ screen: 'unavailable' });
    // Closed because the session ended (the "session.ended" message may have been lost with
    // a dying connection): show the end and stop the camera, never "Video on" for nobody.
    else if (code === 4002) void finish();
  });
  signalling.connect();
}

function onMessage(msg: ServerToCaller): void {
  switch (msg.type) {
    case 'welcome': {
      rtcConfig = { iceServers: msg.iceServers, iceTransportPolicy: msg.iceTransportPolicy };
      simulcast = msg.simulcast ?? false;
      media.iceRenewed();
      const s = msg.session;
      store.update({
        agency: s.agency,
        mode: s.mode,
        verificationCode: s.verificationCode,
        locationMinutes: s.locationMinutes,
        locationUntil: s.locationUntil,
        maxUploadBytes: s.maxUploadBytes,
      });
      askForWords();
      if (s.state === 'ended' || s.state === 'expired') void finish();
      else if (store.state.screen === 'loading' || store.state.screen === 'inapp')
        store.update({ screen: s.state === 'refused' ? 'refused' : 'consent' });
      return;
    }
    case 'ice.servers':
      // Renewed before the last credential expires: the next (re)publish uses these.
      rtcConfig = { iceServers: msg.iceServers, iceTransportPolicy: msg.iceTransportPolicy };
      media.iceRenewed();
      return;
    case 'consent.recorded':
      return;
    case 'location.stored':
      tracker.stored(msg.fixTime);
      return;
    case 'privacy.text':
      // Only the words for the language now on screen: an answer for an earlier choice is stale.
      if (msg.text.language === store.state.language)
        store.update({ consentText: { version: msg.version, text: msg.text } });
      return;
    case 'publish.answer':
      media.acceptAnswer(msg.sdp, msg.offerId);
      return;
    case 'media.restart':
      media.restart();
      return;
    case 'session.ended':
      void finish();
      return;
    case 'chat.history':
      chat.history(msg.messages);
      return;
    case 'chat.message':
      chat.received(msg.message);
      return;
    case 'chat.status':
      chat.status(msg);
      return;
    case 'officer.request':
      store.update({
        request: { requestId: msg.requestId, action: msg.action, officerName: msg.officerName },
      });
      announce(t(`request.${msg.action}`, { name: msg.officerName }));
      return;
    case 'officer-view.offer':
      void media.officerOffer(msg.sdp);
      return;
    case 'officer-view.ended':
      media.officerEnded();
      return;
    case 'interpreter.joined':
      interpreterDeclined = false;
      store.update({ interpreter: { kind: msg.kind, language: msg.language }, interpreterConfirm: false });
      announce(t(interpreterNoticeKey(store.state.camera)));
      return;
    case 'interpreter.left':
      interpreterView.close();
      if (store.state.interpreter) announce(t('live.interpreter.left'));
      store.update({ interpreter: null });
      return;
    case 'interpreter-view.offer':
      // An offer in flight when the caller declined must not bring the interpreter back.
      if (interpreterDeclined) return;
      // An interpreter only helps if the caller sees them: shown whatever the link's mode.
      store.update({ interpreter: store.state.interpreter ?? { kind: 'spoken', language: '' } });
      // A browser without WebRTC (or a failed negotiation): the notice stays, without their video.
      interpreterView.accept(msg.sdp).catch(() => store.update({ interpreterVideo: false }));
      return;
    case 'interpreter-view.ended':
      interpreterView.close();
      return;
    case 'error':
      if (msg.code === 'session_ended') void finish();
      else if (chatRefused(msg)) chat.throttled();
      else if (msg.code === 'media_unavailable') setTimeout(() => media.restart(), 1_000);
      // An ICE restart the server could not make (it no longer has that publisher): publish afresh.
      else if (msg.ref) media.offerRefused(msg.ref);
      return;
    default:
      return;
  }
}

async function start(): Promise<void> {
  signalling?.send({ type: 'consent', decision: 'accepted', ...shownVersion(store.state) });
  store.update({ screen: 'starting' });
  await media.share();
  announce(store.state.camera === 'on' ? t('live.banner.video') : t('live.banner.location'));
  // While the location window is set on the server, show when sharing stops.
  if (store.state.mode === 'location' && store.state.locationMinutes)
    store.update({ locationUntil: Date.now() + store.state.locationMinutes * 60_000 });
}

/** The caller's answer to an officer's request; nothing happens on the phone unless they accept. */
async function answerRequest(accepted: boolean): Promise<void> {
  const r = store.state.request;
  if (!r) return;
  store.update({ request: null });
  if (accepted) {
    if (r.action === 'switch-camera') await media.switchCamera();
    else await media.toggleTorch(r.action === 'torch-on');
  }
  signalling?.send({ type: 'request.answer', requestId: r.requestId, accepted });
}

async function sendFiles(files: File[]): Promise<void> {
  const { uploadFile } = await import('./upload.js');
  for (const file of files) {
    const id = crypto.randomUUID();
    const set = (patch: Partial<Transfer>) =>
      store.update({ uploads: store.state.uploads.map((u) => (u.id === id ? { ...u, ...patch } : u)) });
    store.update({
      uploads: [...store.state.uploads, { id, name: file.name, sent: 0, total: file.size, state: 'sending' }],
    });
    if (file.size > store.state.maxUploadBytes) {
      set({ state: 'too-big' });
      continue;
    }
    const outcome = await uploadFile(
      file,
      (sent, total) => set({ sent, total }),
      (unavailable) => set({ state: unavailable ? 'waiting' : 'sending' }),
    ).catch(() => 'failed' as const);
    set({ state: outcome, sent: file.size });
  }
}

/** The caller's answer to the question after the end; a second answer (another tab) is thanked too. */
async function sendFeedback(answer: FeedbackAnswer, text: string): Promise<void> {
  store.update({ feedback: 'sending' });
  const res = await fetch('/api/join/feedback', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ answer, ...(text ? { text } : {}) }),
    credentials: 'same-origin',
  }).catch(() => null);
  store.update({ feedback: res?.ok || res?.status === 409 ? 'sent' : 'failed' });
}

async function finish(): Promise<void> {
  if (store.state.screen === 'ended') return;
  store.update({
    // Only a page that claimed the link can answer (its cookie is the answer's credential).
    feedback: signalling ? 'asking' : 'none',
    screen: 'ended',
    camera: 'off',
    location: 'off',
    media: 'idle',
    request: null,
    officerVideo: false,
    quality: null,
  });
  await media.stop();
  signalling?.close();
  // The server takes no fixes for an ended session: none stay on the phone.
  await tracker.purge();
}

// Leaving before the full-quality copy is sent loses it: say so.
window.addEventListener('beforeunload', (e) => {
  if (media.pendingBytes > 0 || store.state.uploads.some((u) => u.state === 'sending')) {
    e.preventDefault();
    e.returnValue = t('deviceCopy.leaveWarning');
  }
});
// Back on the network: reconnect now rather than at the next backoff tick.
window.addEventListener('online', () => {
  signalling?.reconnectNow();
  media.networkChanged();
  tracker.resume();
});
// Back from the background (or from the back-forward cache): the system may have stopped the
// location watch and left the socket dead; restart both and send what the phone kept.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') return tracker.hidden();
  signalling?.reconnectNow();
  tracker.resume();
});
window.addEventListener('pageshow', (e) => {
  if (!e.persisted) return;
  signalling?.reconnectNow();
  tracker.resume();
});
window.addEventListener('offline', () => signalling?.wentOffline());
// Android's Chrome reports a change of network (Wi-Fi → mobile) here, often with no
// offline/online pair, and also mere changes of estimated speed: check the socket now;
// the media connection's own liveness check replaces it if its path has gone.
(navigator as Navigator & { connection?: EventTarget }).connection?.addEventListener?.('change', () =>
  signalling?.reconnectNow(),
);

void boot();
