import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, translate } from './i18n.js';

const DIR = join(import.meta.dirname, '../../../translations');
const load = (code: string) =>
  JSON.parse(readFileSync(join(DIR, `${code}.json`), 'utf8')) as Record<string, string>;

/** Word pairs that show an article was added to a phrase that already had one. */
const BAD: Record<string, RegExp[]> = {
  en: [/\bthe the\b/i],
  cy: [/\b(gyda|o|â|gan) yr\b/i],
  es: [/\b(de|a) el\b/i],
  pt: [/\b(de|em|por) (a|o)\b/i],
  ro: [/\bde la poliția\b/i],
};

// A word said twice in a row ("The the police") is the doubled article the caller saw. Marks
// (\p{M}) are part of words in Bengali and Gujarati; "Polis: Polis memuru" across the text's
// sender prefix is not a doubling.
const repeatedWord = (s: string) => /(^|[^\p{L}\p{M}])([\p{L}\p{M}]+)\s+\2(?![\p{L}\p{M}])/iu.exec(s)?.[2];
const startsLowercase = (s: string, locale: string) => {
  const first = s.trimStart().charAt(0);
  return first !== first.toLocaleUpperCase(locale);
};

describe('the agency in every language', () => {
  for (const { code } of LANGUAGES) {
    const table = load(code);
    const keys = Object.keys(table).filter((k) => table[k]!.includes('{agency}'));

    for (const agency of [null, 'Thames Valley Police']) {
      it(`${code}: reads grammatically with ${agency ?? 'no agency configured'}`, () => {
        expect(keys.length).toBeGreaterThan(0);
        for (const key of keys) {
          const text = translate(table, key, { agency, link: 'https://x.test/j/abc' }, code);
          expect(text, `${code}.${key}`).not.toContain('{agency}');
          expect(repeatedWord(text), `${code}.${key}: "${text}"`).toBeUndefined();
          expect(startsLowercase(text, code), `${code}.${key}: "${text}"`).toBe(false);
          for (const bad of BAD[code] ?? []) expect(text, `${code}.${key}`).not.toMatch(bad);
          // The English default must never appear inside another language's sentence.
          if (code !== 'en') expect(text.toLowerCase(), `${code}.${key}`).not.toContain('the police');
        }
      });
    }
  }

  it('says "The police" at the start of the English text and uses a configured name as given', () => {
    const en = load('en');
    expect(translate(en, 'sms.invite', { agency: null, link: 'L' }, 'en')).toMatch(/^The police: to show/);
    expect(translate(en, 'consent.who', { agency: null }, 'en')).not.toMatch(/the the/i);
    expect(translate(en, 'consent.title', { agency: 'Thames Valley Police' }, 'en')).toBe(
      'Share your camera and location with Thames Valley Police',
    );
  });
});
