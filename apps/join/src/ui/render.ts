import type { FeedbackAnswer } from '@sightline/protocol';
import { h } from '../dom.js';
import type { Environment } from '../env.js';
import { t } from '../i18n.js';
import type { CallerState } from '../store.js';
import { createChat } from './chat.js';
import { type ConsentActions, consentScreen } from './consent.js';
import { createFeedback } from './feedback.js';
import { endedScreen, type LiveActions, liveScreen } from './live.js';
import { button, languagePicker, title } from './parts.js';
import { createUploads } from './uploads.js';

export interface Actions extends ConsentActions, LiveActions {
  language(code: string): void;
  sendChat(text: string): void;
  openChat(): void;
  sendFiles(files: File[]): void;
  copyLink(): void;
  continueInApp(): void;
  feedback(answer: FeedbackAnswer, text: string): void;
  skipFeedback(): void;
}

/**
 * Renders the page from state. Regions redraw independently: the screen, the
 * chat and the uploads, so an arriving message never wipes what the caller is
 * typing. The camera preview and officer video elements are kept across renders.
 */
export function createRenderer(
  root: HTMLElement,
  env: Environment,
  media: { preview: HTMLVideoElement; officer: HTMLVideoElement; interpreter: HTMLVideoElement },
  a: Actions,
) {
  const top = h('div', { class: 'top' });
  const screen = h('div', { class: 'screen' });
  const chat = createChat(a.sendChat, a.openChat);
  const uploads = createUploads(a.sendFiles);
  const feedback = createFeedback(a.feedback, a.skipFeedback);
  root.replaceChildren(top, screen, feedback.element, chat.element, uploads.element);
  let last: CallerState | null = null;
  let lastLanguage = '';

  return (s: CallerState) => {
    root.dataset.screen = s.screen;
    root.dataset.camera = s.camera;
    root.dataset.location = s.location;
    root.dataset.media = s.media;
    root.dataset.mode = s.mode;
    const languageChanged = s.language !== lastLanguage;
    if (languageChanged) {
      top.replaceChildren(languagePicker(a.language));
      document.title = t('page.title');
    }
    const screenChanged = !last || languageChanged || SCREEN_KEYS.some((k) => last![k] !== s[k]);
    if (screenChanged) {
      screen.replaceChildren(...content(s));
      // Move focus to the new heading so screen readers announce the change of screen.
      if (!last || last.screen !== s.screen || (s.noticeOpen && !last.noticeOpen))
        screen.querySelector<HTMLElement>('h1')?.focus();
      // Back from the privacy notice: to the button that opened it, where the caller was.
      else if (last.noticeOpen && !s.noticeOpen)
        screen.querySelector<HTMLElement>('#privacy-notice')?.focus();
      // Asked to confirm removing the interpreter: to the question; kept: back to the button.
      else if (s.interpreterConfirm && !last.interpreterConfirm)
        screen.querySelector<HTMLElement>('#interpreter-confirm')?.focus();
      else if (last.interpreterConfirm && !s.interpreterConfirm && s.interpreter)
        screen.querySelector<HTMLElement>('#interpreter-decline')?.focus();
    }
    feedback.render(s, languageChanged);
    // Skip hides the question with the focused button: back to the ended screen's heading.
    if (last && last.feedback !== 'skipped' && s.feedback === 'skipped')
      screen.querySelector<HTMLElement>('h1')?.focus();
    const chatVisible = ['consent', 'live', 'refused'].includes(s.screen);
    chat.element.hidden = !chatVisible;
    if (
      chatVisible &&
      (!last ||
        languageChanged ||
        last.chat !== s.chat ||
        last.chatOpen !== s.chatOpen ||
        last.unread !== s.unread)
    )
      chat.render(s);
    // Photos and videos go with live sharing, and with chat for callers who cannot or will not use video.
    const uploadsVisible = s.screen === 'live' || (chatVisible && s.chatOpen);
    uploads.element.hidden = !uploadsVisible;
    if (
      uploadsVisible &&
      (!last ||
        languageChanged ||
        last.uploads !== s.uploads ||
        last.chatOpen !== s.chatOpen ||
        last.screen !== s.screen)
    )
      uploads.render(s);
    last = s;
    lastLanguage = s.language;
  };

  function content(s: CallerState): Node[] {
    switch (s.screen) {
      case 'loading':
        return [h('p', { class: 'center' }, t('page.loading'))];
      case 'unavailable':
        return [title(t('unavailable.title')), h('p', {}, t('unavailable.body'))];
      case 'not-yet-open':
        return [
          title(t('notYetOpen.title')),
          h(
            'p',
            { id: 'opens-at', class: 'opens-at' },
            `${t('notYetOpen.when')}: `,
            h('strong', {}, opening(s)),
          ),
          h('p', {}, t('notYetOpen.body')),
        ];
      case 'inapp':
        return inApp();
      case 'consent':
        return consentScreen(s, a);
      case 'starting':
        return [title(t('consent.title', { agency: s.agency })), h('p', { class: 'center' }, t('starting'))];
      case 'live':
        return liveScreen(s, env, media, a);
      case 'refused':
        return [
          title(t('refused.title')),
          h('p', {}, t('refused.body')),
          button(t('refused.changeMind'), a.start, { class: 'secondary', id: 'start' }),
        ];
      case 'ended':
        return endedScreen(s);
    }
  }

  function inApp(): Node[] {
    const browser = env.platform === 'ios' ? 'Safari' : 'Chrome';
    return [
      title(t('inApp.title')),
      h('p', {}, t('inApp.body', { browser })),
      h('p', { class: 'notice' }, t(env.platform === 'ios' ? 'inApp.ios' : 'inApp.android')),
      h(
        'div',
        { class: 'actions' },
        button(t('inApp.copy'), a.copyLink, { class: 'primary', id: 'copy-link' }),
        button(t('inApp.continue'), a.continueInApp, { class: 'secondary', id: 'continue-here' }),
      ),
    ];
  }
}

/** The check's opening in the caller's language and the phone's own time zone ("Tuesday 1 December, 21:00"). */
function opening(s: CallerState): string {
  return new Intl.DateTimeFormat(s.language, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
  }).format(s.opensAt ?? 0);
}

/** State that changes what the main screen shows (chat and uploads have their own regions). */
const SCREEN_KEYS: Array<keyof CallerState> = [
  'screen',
  'consentText',
  'noticeOpen',
  'interpreterConfirm',
  'agency',
  'mode',
  'verificationCode',
  'opensAt',
  'locationMinutes',
  'locationUntil',
  'camera',
  'microphone',
  'location',
  'link',
  'media',
  'quality',
  'videoPaused',
  'muted',
  'facing',
  'torch',
  'accuracy',
  'request',
  'officerVideo',
  'interpreter',
  'interpreterVideo',
  'deviceCopyPercent',
  'trackingStopped',
];
