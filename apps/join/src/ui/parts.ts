import { h } from '../dom.js';
import { LANGUAGES, language, t } from '../i18n.js';

/** The language picker shown on every screen: each option in its own language and script. */
export function languagePicker(onChange: (code: string) => void): HTMLElement {
  const select = h('select', { id: 'language', 'aria-label': t('page.language') });
  for (const l of LANGUAGES) {
    const option = h('option', { value: l.code, lang: l.code }, l.name);
    if (l.code === language()) option.selected = true;
    select.append(option);
  }
  select.addEventListener('change', () => onChange(select.value));
  return h('div', { class: 'lang' }, h('label', { for: 'language' }, t('page.language')), select);
}

/** The four digits the call handler reads out, spaced for reading aloud. */
export function verificationCode(code: string): HTMLElement {
  return h(
    'section',
    { class: 'code', 'aria-labelledby': 'code-label' },
    h('p', { id: 'code-label', class: 'code-label' }, t('verify.label')),
    h(
      'p',
      { class: 'code-digits', 'data-testid': 'verification-code', dir: 'ltr' },
      code.split('').join(' '),
    ),
    h('p', { class: 'small' }, t('verify.hint')),
  );
}

export function title(text: string): HTMLElement {
  return h('h1', { tabindex: '-1' }, text);
}

export function button(
  text: string,
  onclick: () => void,
  attrs: Record<string, string> = {},
): HTMLButtonElement {
  return h('button', { type: 'button', ...attrs, onclick: () => onclick() }, text);
}
