import { h } from '../dom.js';
import { t } from '../i18n.js';
import type { CallerState } from '../store.js';
import { button, title, verificationCode } from './parts.js';

export interface ConsentActions {
  start(): void;
  decline(): void;
  chatOnly(): void;
}

/** The consent screen, worded for what this link shares. Nothing is captured before Start. */
export function consentScreen(s: CallerState, a: ConsentActions): Node[] {
  const agency = s.agency;
  const mode = s.mode;
  const heading =
    mode === 'location'
      ? t('consent.title.location', { agency })
      : mode === 'two-way'
        ? t('consent.title.twoWay', { agency })
        : t('consent.title', { agency });
  const what =
    mode === 'location'
      ? [
          t('consent.what.locationOnly'),
          ...(s.locationMinutes ? [t('consent.what.locationEnds', { minutes: s.locationMinutes })] : []),
        ]
      : mode === 'two-way'
        ? [t('consent.what.twoWay')]
        : [t('consent.what.video'), t('consent.what.location')];
  const startLabel =
    mode === 'location'
      ? t('consent.startLocation')
      : mode === 'two-way'
        ? t('consent.startTwoWay')
        : t('consent.start');
  return [
    title(heading),
    verificationCode(s.verificationCode),
    h('p', { class: 'lead' }, t('consent.who', { agency })),
    h('h2', {}, t('consent.whatTitle')),
    h('ul', {}, ...what.filter(Boolean).map((line) => h('li', {}, line))),
    h('p', { class: 'notice' }, t('consent.recorded')),
    h('p', {}, t('consent.stop')),
    h('p', { class: 'small' }, t('consent.nothingYet')),
    h(
      'div',
      { class: 'actions' },
      button(startLabel, a.start, { class: 'primary', id: 'start' }),
      button(t('consent.chatInstead'), a.chatOnly, { class: 'secondary', id: 'chat-only' }),
      button(t('consent.decline'), a.decline, { class: 'secondary', id: 'decline' }),
    ),
  ];
}
