import type { SessionMode } from './common.js';

/** The consent screen's words, in the order they are shown (protocol `ConsentText['consent']`). */
export interface ConsentWords {
  title: string;
  who: string;
  whatTitle: string;
  what: string[];
  recorded: string;
  stop: string;
  nothingYet: string;
}

/** Looks a translation key up and fills its {placeholders}; a null agency is the language's "the police". */
export type Translate = (key: string, vars?: Record<string, string | number | null>) => string;

/**
 * Which strings make the consent screen for a kind of link: the server renders them for the
 * text version it records, the caller's page for the moment before the server's arrive.
 * No zod here: the caller's page imports this file alone and must stay light.
 */
export function consentWords(
  t: Translate,
  mode: SessionMode,
  agency: string | null,
  locationMinutes: number | null,
): ConsentWords {
  return {
    title:
      mode === 'location'
        ? t('consent.title.location', { agency })
        : mode === 'two-way'
          ? t('consent.title.twoWay', { agency })
          : t('consent.title', { agency }),
    who: t('consent.who', { agency }),
    whatTitle: t('consent.whatTitle'),
    what:
      mode === 'location'
        ? [
            t('consent.what.locationOnly'),
            ...(locationMinutes ? [t('consent.what.locationEnds', { minutes: locationMinutes })] : []),
          ]
        : mode === 'two-way'
          ? [t('consent.what.twoWay')]
          : [t('consent.what.video'), t('consent.what.location')],
    recorded: t('consent.recorded'),
    stop: t('consent.stop'),
    nothingYet: t('consent.nothingYet'),
  };
}
