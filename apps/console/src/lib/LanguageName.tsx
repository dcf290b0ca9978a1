import type { Language } from '@sightline/protocol';
import { LANGUAGES } from './session-options.js';

/**
 * "Polish (Polski)": the English name for the officer, then the language's own
 * name marked with its `lang`, so a screen reader pronounces it properly.
 */
export function LanguageName({ code }: { code: Language }) {
  const l = LANGUAGES.find((x) => x.code === code);
  if (!l || l.code === 'en') return <>English</>;
  return (
    <>
      {l.english} (<span lang={l.code}>{l.native}</span>)
    </>
  );
}
