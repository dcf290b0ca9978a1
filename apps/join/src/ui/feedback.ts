import type { FeedbackAnswer } from '@sightline/protocol';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import type { CallerState } from '../store.js';
import { button } from './parts.js';

const ANSWERS: FeedbackAnswer[] = ['yes', 'no', 'unsure'];
/** protocol's FEEDBACK_TEXT_MAX (the server refuses more); not imported, which would bring zod into this page. */
const TEXT_MAX = '500';

/**
 * The one optional question after the end ("Did this help?"), in its own region: the ended
 * screen redraws as the full-quality copy goes, and must not wipe what the caller is typing.
 */
export function createFeedback(onSend: (answer: FeedbackAnswer, text: string) => void, onSkip: () => void) {
  const panel = h('section', { class: 'feedback', 'aria-labelledby': 'feedback-heading' });
  const text = h('textarea', {
    id: 'feedback-text',
    rows: '3',
    maxlength: TEXT_MAX,
    'aria-describedby': 'feedback-hint',
  });
  const error = h('p', { id: 'feedback-error', class: 'notice', role: 'alert' });
  // One live region, present (empty) from the first draw: a screen reader announces a change of
  // its text, not a region inserted with its text already inside.
  const body = h('div', {});
  const status = h('p', { id: 'feedback-thanks', role: 'status', tabindex: '-1' });
  panel.replaceChildren(body, status);
  let last: CallerState['feedback'] | null = null;

  const chosen = () =>
    panel.querySelector<HTMLInputElement>('input[name="feedback-answer"]:checked')?.value as
      | FeedbackAnswer
      | undefined;
  const send = () => {
    const answer = chosen();
    if (!answer) {
      error.textContent = t('feedback.choose');
      error.hidden = false;
      return;
    }
    onSend(answer, text.value.trim());
  };

  const form = () => {
    const choices = h(
      'fieldset',
      { class: 'choices' },
      h('legend', {}, t('feedback.question')),
      ...ANSWERS.map((a) =>
        h(
          'label',
          { class: 'choice' },
          h('input', { type: 'radio', name: 'feedback-answer', value: a, id: `feedback-${a}` }),
          ` ${t(`feedback.${a}`)}`,
        ),
      ),
    );
    return [
      h('h2', { id: 'feedback-heading' }, t('feedback.title')),
      h('p', { class: 'small' }, t('feedback.anonymous')),
      choices,
      h('label', { for: 'feedback-text' }, t('feedback.textLabel')),
      text,
      h('p', { id: 'feedback-hint', class: 'small' }, t('feedback.textHint')),
      error,
      h(
        'div',
        { class: 'actions two' },
        button(t('feedback.send'), send, { class: 'primary', id: 'feedback-send' }),
        button(t('feedback.skip'), onSkip, { class: 'secondary', id: 'feedback-skip' }),
      ),
    ];
  };

  return {
    element: panel,
    /** Draws the question, or its outcome; `force` after a change of language. */
    render(s: CallerState, force: boolean): void {
      if (s.feedback === last && !force) return;
      const wasForm = last === 'asking' || last === 'failed' || last === 'sending';
      last = s.feedback;
      panel.hidden = s.screen !== 'ended' || s.feedback === 'none' || s.feedback === 'skipped';
      if (s.feedback === 'asking' || s.feedback === 'failed' || s.feedback === 'sending') {
        if (!wasForm || force) body.replaceChildren(...form());
        status.textContent = '';
        error.textContent = s.feedback === 'failed' ? t('feedback.failed') : '';
        error.hidden = s.feedback !== 'failed';
        for (const b of panel.querySelectorAll('button')) b.disabled = s.feedback === 'sending';
        return;
      }
      if (s.feedback === 'sent') {
        // The Send button goes with the form: focus the thanks, not the page's body.
        body.replaceChildren();
        status.textContent = t('feedback.thanks');
        if (wasForm) status.focus();
      }
    },
  };
}
