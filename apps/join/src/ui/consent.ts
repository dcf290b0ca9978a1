import type { ConsentText } from '@sightline/protocol';
import { consentWords } from '@sightline/protocol/consent-words';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { wordsShown } from '../privacy.js';
import type { CallerState } from '../store.js';
import { button, title, verificationCode } from './parts.js';

export interface ConsentActions {
  start(): void;
  decline(): void;
  chatOnly(): void;
  /** Opens (true) or closes (false) the privacy notice. */
  notice(open: boolean): void;
}

/**
 * The consent screen, worded for what this link shares. Nothing is captured before Start.
 * Its words are the server's (whose version the consent names) once they have arrived.
 */
export function consentScreen(s: CallerState, a: ConsentActions): Node[] {
  const words = wordsShown(s)?.consent ?? localWords(s);
  if (s.noticeOpen) return noticeView(wordsShown(s), a);
  const startLabel =
    s.mode === 'location'
      ? t('consent.startLocation')
      : s.mode === 'two-way'
        ? t('consent.startTwoWay')
        : t('consent.start');
  return [
    title(words.title),
    verificationCode(s.verificationCode),
    h('p', { class: 'lead' }, words.who),
    h('h2', {}, words.whatTitle),
    h('ul', {}, ...words.what.filter(Boolean).map((line) => h('li', {}, line))),
    h('p', { class: 'notice' }, words.recorded),
    h('p', {}, words.stop),
    h('p', { class: 'small' }, words.nothingYet),
    button(t('privacy.link'), () => a.notice(true), { class: 'link', id: 'privacy-notice' }),
    h(
      'div',
      { class: 'actions' },
      button(startLabel, a.start, { class: 'primary', id: 'start' }),
      button(t('consent.chatInstead'), a.chatOnly, { class: 'secondary', id: 'chat-only' }),
      button(t('consent.decline'), a.decline, { class: 'secondary', id: 'decline' }),
    ),
  ];
}

/** The privacy notice, in place of the consent screen; Back returns to it as it was. */
function noticeView(text: ConsentText | null, a: ConsentActions): Node[] {
  const back = button(t('privacy.back'), () => a.notice(false), { class: 'secondary', id: 'privacy-back' });
  if (!text) return [title(t('privacy.title')), h('p', { class: 'center' }, t('page.loading')), back];
  return [
    title(text.notice.title),
    ...text.notice.sections.flatMap((section) => [
      h('h2', {}, section.heading),
      ...section.paragraphs.map((p) => h('p', {}, p)),
    ]),
    h('div', { class: 'actions' }, back),
  ];
}

/** The page's own words, shown until the server's arrive (the same keys and rules). */
const localWords = (s: CallerState) => consentWords(t, s.mode, s.agency, s.locationMinutes);
