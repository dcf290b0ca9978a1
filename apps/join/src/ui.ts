import { h } from './dom.js';
import type { CallerState } from './store.js';
import { platform, text } from './text.js';

export interface Actions {
  start(): void;
  decline(): void;
  stop(): void;
  retry(): void;
}

/** Renders the current screen into `root`. The camera preview element is kept across renders. */
export function createRenderer(root: HTMLElement, preview: HTMLVideoElement, actions: Actions) {
  const os = platform(navigator.userAgent);
  let lastScreen = '';
  return (s: CallerState) => {
    root.dataset.screen = s.screen;
    root.dataset.camera = s.camera;
    root.dataset.location = s.location;
    root.dataset.media = s.media;
    const content = screen(s);
    root.replaceChildren(...content);
    // Move focus to the new heading so screen readers announce the change of screen.
    if (s.screen !== lastScreen) root.querySelector<HTMLElement>('h1')?.focus();
    lastScreen = s.screen;
  };

  function screen(s: CallerState): Node[] {
    switch (s.screen) {
      case 'loading':
        return [h('p', { class: 'center' }, text.loading)];
      case 'unavailable':
        return [title(text.unavailableTitle), h('p', {}, text.unavailableBody)];
      case 'consent':
        return consent(s);
      case 'starting':
        return [title(text.consentTitle(s.agency)), h('p', { class: 'center' }, text.starting)];
      case 'live':
        return live(s);
      case 'refused':
        return [
          title(text.refusedTitle),
          h('p', {}, text.refusedBody),
          h('button', { class: 'secondary', type: 'button', onclick: actions.start }, text.changeMind),
        ];
      case 'ended':
        return [title(text.endedTitle), h('p', {}, text.endedBody)];
    }
  }

  function consent(s: CallerState): Node[] {
    return [
      title(text.consentTitle(s.agency)),
      h('p', { class: 'lead' }, text.consentWho(s.agency)),
      h('h2', {}, text.consentWhatTitle),
      h('ul', {}, ...text.consentWhat.map((line) => h('li', {}, line))),
      h('p', { class: 'notice' }, text.consentRecorded),
      h('p', {}, text.consentStop),
      h('p', { class: 'small' }, text.consentNothingYet),
      h(
        'div',
        { class: 'actions' },
        h('button', { class: 'primary', type: 'button', id: 'start', onclick: actions.start }, text.start),
        h(
          'button',
          { class: 'secondary', type: 'button', id: 'decline', onclick: actions.decline },
          text.decline,
        ),
      ),
    ];
  }

  function live(s: CallerState): Node[] {
    const video = s.camera === 'on';
    const banner = video
      ? text.sharingBanner
      : s.location === 'on'
        ? text.sharingLocationOnly
        : text.sharingNothing;
    // The banner is the page's heading: always visible, and announced when the screen changes.
    const nodes: Node[] = [
      h(
        'h1',
        { class: `banner ${video || s.location === 'on' ? 'on' : ''}`, tabindex: '-1' },
        h('span', { class: 'dot', 'aria-hidden': 'true' }),
        banner,
      ),
    ];
    if (video) nodes.push(preview);
    nodes.push(
      h(
        'ul',
        { class: 'status' },
        h('li', { id: 'camera-status' }, video ? text.cameraOn : text.cameraOff),
        h(
          'li',
          { id: 'location-status' },
          s.location === 'on' ? text.locationOn(s.accuracy) : text.locationOff,
        ),
        h(
          'li',
          { id: 'connection-status' },
          text.connection[s.link === 'connected' ? s.media : s.link] ?? '',
        ),
      ),
    );
    if (s.camera === 'denied') nodes.push(help(text.deniedCameraTitle, text.help[os].camera));
    if (s.camera === 'unavailable') nodes.push(h('p', { class: 'notice' }, text.unavailableCamera));
    if (s.location === 'denied') nodes.push(help(text.deniedLocationTitle, text.help[os].location));
    if (s.location === 'unavailable') nodes.push(h('p', { class: 'notice' }, text.unavailableLocation));
    nodes.push(h('button', { class: 'stop', type: 'button', id: 'stop', onclick: actions.stop }, text.stop));
    return nodes;
  }

  function help(heading: string, body: string): Node {
    return h(
      'section',
      { class: 'help', role: 'alert' },
      h('h2', {}, heading),
      h('p', {}, body),
      h('button', { class: 'secondary', type: 'button', onclick: actions.retry }, text.tryAgain),
    );
  }
}

function title(t: string): HTMLElement {
  return h('h1', { tabindex: '-1' }, t);
}
