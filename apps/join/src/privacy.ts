import type { ConsentText, Language } from '@sightline/protocol';
import type { CallerState } from './store.js';

/**
 * The server's words for the page's current language, or null while they are on their way (or
 * were for another language): then the page shows its own and names no version when deciding.
 */
export function wordsShown(s: Pick<CallerState, 'consentText' | 'language'>): ConsentText | null {
  return s.consentText && s.consentText.text.language === s.language ? s.consentText.text : null;
}

/** What a consent message says about the words the caller saw: their language and version, if known. */
export function shownVersion(
  s: Pick<CallerState, 'consentText' | 'language'>,
): { language: Language; textVersion: string } | Record<string, never> {
  return wordsShown(s) ? { language: s.language, textVersion: s.consentText!.version } : {};
}
