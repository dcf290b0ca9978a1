import { h } from '../dom.js';
import { t } from '../i18n.js';
import type { CallerState } from '../store.js';

const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * The chat panel. Its composer is created once and kept, so typing is never
 * lost when messages arrive; only the message list is redrawn.
 */
export function createChat(onSend: (text: string) => void, onOpen: () => void) {
  const list = h('ol', { class: 'messages', 'aria-label': t('chat.title') });
  const input = h('textarea', { id: 'chat-input', rows: '2', maxlength: '2000' });
  const label = h('label', { for: 'chat-input' }, t('chat.label'));
  const send = h('button', { type: 'button', id: 'chat-send', class: 'primary' }, t('chat.send'));
  const submit = () => {
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    onSend(text);
  };
  send.addEventListener('click', submit);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      submit();
    }
  });
  const heading = h('h2', { id: 'chat-heading' }, t('chat.title'));
  const note = h('p', { class: 'small' }, t('chat.recorded'));
  const open = h('button', { type: 'button', id: 'chat-open', class: 'secondary' }, t('chat.open'));
  open.addEventListener('click', () => {
    onOpen();
    requestAnimationFrame(() => input.focus());
  });
  const panel = h('section', { class: 'chat', 'aria-labelledby': 'chat-heading' });

  return {
    element: panel,
    /** Redraws the list (and labels, after a language change). */
    render(s: CallerState): void {
      heading.textContent = t('chat.title');
      label.textContent = t('chat.label');
      send.textContent = t('chat.send');
      note.textContent = t('chat.recorded');
      open.textContent = s.unread ? `${t('chat.open')} (${s.unread})` : t('chat.open');
      if (!s.chatOpen) {
        panel.replaceChildren(open);
        return;
      }
      list.replaceChildren(
        ...(s.chat.length
          ? s.chat.map((m) =>
              h(
                'li',
                { class: `msg ${m.from}`, 'data-from': m.from, 'data-status': m.status ?? '' },
                h(
                  'span',
                  { class: 'who' },
                  `${m.from === 'caller' ? t('chat.you') : t('chat.officer')} · ${clock(m.at)}`,
                ),
                h('span', { class: 'text' }, m.text),
                m.status ? h('span', { class: 'state' }, t(`chat.status.${m.status}`)) : null,
              ),
            )
          : [h('li', { class: 'empty' }, t('chat.empty'))]),
      );
      if (panel.firstChild !== heading) panel.replaceChildren(heading, note, list, label, input, send);
      list.lastElementChild?.scrollIntoView({ block: 'nearest' });
    },
  };
}
