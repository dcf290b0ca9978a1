import { h } from '../dom.js';
import type { Environment } from '../env.js';
import { t } from '../i18n.js';
import { type CallerState, interpreterNoticeKey } from '../store.js';
import { button, title } from './parts.js';

export interface LiveActions {
  stop(): void;
  retry(): void;
  switchCamera(): void;
  togglePause(): void;
  toggleMute(): void;
  toggleTorch(): void;
  answerRequest(accepted: boolean): void;
  /** Asks "Remove the interpreter?" (true), or keeps them (false). */
  confirmInterpreterDecline(asking: boolean): void;
  declineInterpreter(): void;
}

const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** The sharing screen: what is shared (always visible), the camera, controls, status and any help. */
export function liveScreen(
  s: CallerState,
  env: Environment,
  media: { preview: HTMLVideoElement; officer: HTMLVideoElement; interpreter: HTMLVideoElement },
  a: LiveActions,
): Node[] {
  const video = s.camera === 'on' && !s.videoPaused;
  const banner =
    s.camera === 'on' && s.videoPaused
      ? t('live.banner.paused')
      : video
        ? t('live.banner.video')
        : s.location === 'on'
          ? t('live.banner.location')
          : t('live.banner.nothing');
  const sharing = video || s.location === 'on';
  // The banner is the page's heading: always visible, and announced when the screen changes.
  const nodes: Node[] = [
    h(
      'h1',
      { class: `banner ${sharing ? 'on' : ''}`, tabindex: '-1' },
      h('span', { class: 'dot', 'aria-hidden': 'true' }),
      banner,
    ),
  ];
  if (s.request) nodes.push(requestPrompt(s, a));
  if (s.officerVideo)
    nodes.push(h('section', { class: 'officer', 'aria-label': t('live.officerVideo') }, media.officer));
  if (s.interpreter) nodes.push(interpreterPanel(s, media.interpreter, a));
  if (s.camera === 'on') nodes.push(media.preview);
  if (s.camera === 'on') nodes.push(controls(s, a));
  const quality = s.quality ? t(`quality.${s.quality}`) : null;
  nodes.push(
    h(
      'ul',
      { class: 'status' },
      s.mode === 'location'
        ? null
        : h('li', { id: 'camera-status' }, s.camera === 'on' ? t('live.camera.on') : t('live.camera.off')),
      h(
        'li',
        { id: 'location-status' },
        s.location === 'on'
          ? s.accuracy === null
            ? t('live.location.finding')
            : t('live.location.on', { metres: Math.round(s.accuracy) })
          : t('live.location.off'),
      ),
      s.locationUntil ? h('li', { id: 'location-until' }, `⏱ ${time(s.locationUntil)}`) : null,
      h(
        'li',
        { id: 'connection-status', 'data-quality': s.quality ?? '' },
        s.link === 'connected' && s.media === 'connected' && quality
          ? quality
          : t(`connection.${s.link === 'connected' ? (s.media === 'idle' ? 'connected' : s.media) : s.link}`),
      ),
    ),
  );
  if (s.camera === 'denied')
    nodes.push(help(t('help.cameraBlocked'), t(`help.${env.platform}.camera`), a.retry));
  if (s.camera === 'unavailable' && s.mode !== 'location')
    nodes.push(h('p', { class: 'notice' }, env.webrtc ? t('help.noCamera') : t('unsupported.webrtc')));
  // A refusal has its own help below; every other stop gets the banner with what to do.
  if (s.trackingStopped && s.trackingStopped !== 'denied')
    nodes.push(
      h(
        'section',
        {
          class: 'help tracking-stopped',
          'aria-labelledby': 'tracking-stopped-title',
          'data-testid': 'tracking-stopped',
        },
        h('h2', { id: 'tracking-stopped-title' }, t('tracking.stopped.title')),
        h('p', {}, t(`tracking.stopped.${s.trackingStopped}`)),
      ),
    );
  if (s.location === 'denied')
    nodes.push(help(t('help.locationBlocked'), t(`help.${env.platform}.location`), a.retry));
  if (s.location === 'unavailable')
    nodes.push(
      h('p', { class: 'notice' }, env.geolocation ? t('help.noLocation') : t('unsupported.location')),
    );
  nodes.push(button(t('live.stop'), a.stop, { class: 'stop', id: 'stop' }));
  return nodes;
}

function controls(s: CallerState, a: LiveActions): Node {
  return h(
    'div',
    { class: 'controls', role: 'group', 'aria-label': t('controls.title') },
    button(
      `${t('controls.switchCamera')} (${s.facing === 'back' ? t('controls.front') : t('controls.back')})`,
      a.switchCamera,
      { id: 'switch-camera' },
    ),
    button(s.videoPaused ? t('controls.resume') : t('controls.pause'), a.togglePause, {
      id: 'pause-video',
      'aria-pressed': String(s.videoPaused),
    }),
    button(s.muted ? t('controls.unmute') : t('controls.mute'), a.toggleMute, {
      id: 'mute',
      'aria-pressed': String(s.muted),
    }),
    s.torch === null
      ? null
      : button(s.torch ? t('controls.torchOff') : t('controls.torchOn'), a.toggleTorch, {
          id: 'torch',
          'aria-pressed': String(s.torch),
        }),
  );
}

/** An officer's request: it never happens silently; the caller decides. */
function requestPrompt(s: CallerState, a: LiveActions): Node {
  const r = s.request!;
  return h(
    'section',
    { class: 'request', role: 'alertdialog', 'aria-labelledby': 'request-text' },
    h('p', { id: 'request-text' }, t(`request.${r.action}`, { name: r.officerName })),
    h(
      'div',
      { class: 'actions two' },
      button(t('request.accept'), () => a.answerRequest(true), { class: 'primary', id: 'request-accept' }),
      button(t('request.decline'), () => a.answerRequest(false), {
        class: 'secondary',
        id: 'request-decline',
      }),
    ),
  );
}

function help(heading: string, body: string, retry: () => void): Node {
  return h(
    'section',
    { class: 'help', role: 'alert' },
    h('h2', {}, heading),
    h('p', {}, body),
    button(t('help.tryAgain'), retry, { class: 'secondary' }),
  );
}

/** After the end: thanks, and what is left of the full-quality copy to send. */
export function endedScreen(s: CallerState): Node[] {
  const nodes: Node[] = [title(t('ended.title'))];
  if (s.deviceCopyPercent !== null && s.deviceCopyPercent < 100) {
    nodes.push(
      progress('device-copy', t('deviceCopy.sending', { percent: s.deviceCopyPercent }), s.deviceCopyPercent),
    );
    nodes.push(
      h('p', { class: 'notice' }, t('deviceCopy.remaining', { remaining: `${100 - s.deviceCopyPercent}%` })),
    );
  } else {
    if (s.deviceCopyPercent === 100) nodes.push(h('p', { id: 'device-copy-done' }, t('deviceCopy.done')));
    nodes.push(h('p', {}, t('ended.body')));
  }
  return nodes;
}

export function progress(id: string, label: string, percent: number): Node {
  const bar = h('progress', { id, max: '100', value: String(percent), 'aria-label': label });
  return h('div', { class: 'progress' }, h('p', {}, label), bar);
}

/** An interpreter in the call: said plainly, their video, and the caller's way to decline them. */
function interpreterPanel(s: CallerState, video: HTMLVideoElement, a: LiveActions): HTMLElement {
  return h(
    'section',
    { class: 'interpreter', 'aria-labelledby': 'interpreter-text' },
    h('p', { id: 'interpreter-text', class: 'notice' }, t(interpreterNoticeKey(s.camera))),
    s.interpreterVideo ? h('div', { 'aria-label': t('live.interpreter.video'), role: 'group' }, video) : null,
    s.interpreterConfirm
      ? h(
          'div',
          { role: 'group', 'aria-labelledby': 'interpreter-confirm', class: 'request' },
          h('p', { id: 'interpreter-confirm', tabindex: '-1' }, t('live.interpreter.confirm')),
          h(
            'div',
            { class: 'actions two' },
            button(t('live.interpreter.confirmYes'), a.declineInterpreter, { id: 'interpreter-remove' }),
            button(t('live.interpreter.confirmNo'), () => a.confirmInterpreterDecline(false), {
              class: 'secondary',
            }),
          ),
        )
      : button(t('live.interpreter.decline'), () => a.confirmInterpreterDecline(true), {
          class: 'secondary',
          id: 'interpreter-decline',
        }),
  );
}
