import { h } from '../dom.js';
import { button, title } from '../ui/parts.js';
import { InterpreterCall } from './interpreter-call.js';

// The interpreter's page, a second entry of the caller page's build (shared code, its own small
// bundle). Interpreters are booked professionals working with the force: the page speaks English
// and names the caller's language; the caller's page speaks the caller's.
const root = document.getElementById('app')!;
const announcer = document.getElementById('announce')!;
const token = location.pathname.split('/')[2] ?? '';

const video = (testId: string, muted: boolean) =>
  Object.assign(h('video', { 'data-testid': testId, class: 'officer-video' }), {
    muted,
    autoplay: true,
    playsInline: true,
  });
const preview = video('interpreter-preview', true);
const feeds = { caller: video('caller-feed', false), officer: video('officer-feed', false) };

const show = (screen: string, ...nodes: Node[]) => {
  root.dataset.screen = screen;
  root.replaceChildren(...nodes);
  root.querySelector('h1')?.focus();
};
const announce = (text: string) => {
  announcer.textContent = text;
};

const call = new InterpreterCall({
  welcome: (w) => (w.consented ? void join() : consentScreen(w.interpreterName, w.agency)),
  stream: (feed, stream) => {
    feeds[feed].srcObject = stream;
    document.getElementById(`${feed}-waiting`)?.toggleAttribute('hidden', stream !== null);
    if (stream)
      announce(feed === 'caller' ? 'The caller’s video is showing.' : 'The officer’s video is showing.');
  },
  ended: (reason) => {
    call.close();
    preview.srcObject = null;
    show(
      'ended',
      title('Your part in the call has ended'),
      h('p', {}, `Reason: ${reason}.`),
      h('p', {}, 'You can close this page.'),
    );
  },
  failed: (message) => announce(message),
});

function consentScreen(name: string, agency: string | null): void {
  show(
    'consent',
    title('Interpreting in a police video call'),
    h(
      'p',
      {},
      `You have been invited as ${name} to interpret in a live call with ${agency ?? 'the police'}.`,
    ),
    h(
      'p',
      { class: 'notice' },
      'Your camera and microphone will be seen and heard by the caller and the officers, and recorded as evidence together with the rest of the call.',
    ),
    button('Agree and join', () => {
      call.consent('accepted');
      void join();
    }),
    button(
      'Do not join',
      () => {
        call.consent('refused');
        show(
          'refused',
          title('You did not join'),
          h('p', {}, 'Nothing was shared. You can close this page.'),
        );
      },
      { class: 'secondary' },
    ),
  );
}

async function join(): Promise<void> {
  show('starting', title('Starting your camera…'));
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user' }, audio: true });
  } catch {
    show(
      'denied',
      title('Your camera or microphone is blocked'),
      h('p', {}, 'Allow them in the browser’s settings, then reload this page.'),
    );
    return;
  }
  preview.srcObject = stream;
  await call.publish(stream);
  const party = (feed: 'caller' | 'officer', label: string) =>
    h(
      'section',
      { 'aria-labelledby': `${feed}-label` },
      h('h2', { id: `${feed}-label` }, label),
      h('p', { id: `${feed}-waiting`, class: 'small' }, 'Waiting for their video…'),
      feeds[feed],
    );
  show(
    'live',
    title('You are in the call'),
    party('caller', 'The caller'),
    party('officer', 'The officer'),
    h('section', { 'aria-labelledby': 'me-label' }, h('h2', { id: 'me-label' }, 'You (recorded)'), preview),
    button('Leave the call', () => call.leave(), { class: 'secondary' }),
  );
}

async function open(): Promise<void> {
  const res = await fetch('/api/interpreter/open', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  }).catch(() => null);
  if (!res?.ok) {
    show(
      'unavailable',
      title('This link cannot be used'),
      h(
        'p',
        {},
        'It may have been used already, run out, or been withdrawn, or the call has ended. Ask the officer for a new link.',
      ),
    );
    return;
  }
  call.connect();
}

void open();
