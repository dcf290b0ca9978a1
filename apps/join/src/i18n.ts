import type { Language } from '@sightline/protocol';
import en from '../../../translations/en.json';

type Strings = Record<string, string>;

export const LANGUAGES: ReadonlyArray<{ code: Language; name: string; rtl?: boolean }> = [
  { code: 'en', name: 'English' },
  { code: 'cy', name: 'Cymraeg' },
  { code: 'pl', name: 'Polski' },
  { code: 'ro', name: 'Română' },
  { code: 'bn', name: 'বাংলা' },
  { code: 'ur', name: 'اردو', rtl: true },
  { code: 'ar', name: 'العربية', rtl: true },
  { code: 'es', name: 'Español' },
  { code: 'pt', name: 'Português' },
  { code: 'so', name: 'Soomaali' },
  { code: 'tr', name: 'Türkçe' },
  { code: 'gu', name: 'ગુજરાતી' },
];

// English ships in the page; every other language is its own small chunk, fetched only if chosen.
const loaders = import.meta.glob<Strings>(
  ['../../../translations/*.json', '!../../../translations/en.json'],
  { import: 'default' },
);

const STORAGE_KEY = 'sightline.language';
let current: Language = 'en';
let strings: Strings = en as Strings;

const isLanguage = (v: string | null | undefined): v is Language =>
  !!v && LANGUAGES.some((l) => l.code === v);

/**
 * The language to start in: the caller's own earlier choice on this phone, then
 * the one the call handler chose (in the link), then the browser's, then English.
 */
export function initialLanguage(linkLanguage: string | null): Language {
  const saved = safeStorage()?.getItem(STORAGE_KEY);
  if (isLanguage(saved)) return saved;
  if (isLanguage(linkLanguage) && linkLanguage !== 'en') return linkLanguage;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/** Loads and switches to a language; sets the page's `lang` and `dir`. */
export async function setLanguage(code: Language, remember = false): Promise<void> {
  const loader = loaders[`../../../translations/${code}.json`];
  strings = code === 'en' || !loader ? (en as Strings) : await loader();
  current = code === 'en' || loader ? code : 'en';
  document.documentElement.lang = current;
  document.documentElement.dir = LANGUAGES.find((l) => l.code === current)?.rtl ? 'rtl' : 'ltr';
  if (remember) safeStorage()?.setItem(STORAGE_KEY, current);
}

export const language = () => current;

/**
 * A string in the current language (falling back to English), with {placeholders} filled in.
 * A null `agency` means none is configured: the language's own `agency.default` is used.
 */
export function t(key: string, vars: Record<string, string | number | null> = {}): string {
  return translate(strings, key, vars, current);
}

/**
 * `t` for given strings. The agency is a noun phrase: the force's configured name, or the
 * language's own phrase ("the police", "la policía"); templates add no article of their own.
 * A string that opens with a placeholder (the text's "{agency}: …") starts with a capital.
 */
export function translate(
  table: Strings,
  key: string,
  vars: Record<string, string | number | null>,
  locale: string,
): string {
  const english = en as Strings;
  const template = table[key] || english[key] || key;
  const value = (name: string): string | undefined => {
    const v = vars[name];
    if (v !== null && v !== undefined && String(v).trim() !== '') return String(v);
    if (name === 'agency') return table['agency.default'] || english['agency.default'];
    return undefined;
  };
  const out = template.replace(/\{(\w+)\}/g, (m, name: string) => value(name) ?? m);
  return template.startsWith('{') ? out.charAt(0).toLocaleUpperCase(locale) + out.slice(1) : out;
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // private mode or blocked storage: just don't remember
  }
}
