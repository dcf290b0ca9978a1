import { Language, SessionMode } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { SmsTexts } from './sms-text.js';

const texts = new SmsTexts(null);
const LINK = 'https://sightline.example/j/abc';

describe('SmsTexts', () => {
  it('starts the English text with "The police:" when no agency is configured', () => {
    expect(texts.render('en', 'video', { agency: null, link: LINK })).toMatch(
      /^The police: to show the call handler/,
    );
  });

  it('uses a configured force name as given', () => {
    expect(texts.render('en', 'location', { agency: 'Thames Valley Police', link: LINK })).toMatch(
      /^Thames Valley Police: to share your location/,
    );
  });

  for (const language of Language.options) {
    it(`${language}: every text starts with a capital or caseless letter, in its own words for the police`, () => {
      for (const mode of SessionMode.options) {
        const text = texts.render(language, mode, { agency: null, link: LINK });
        const first = text.charAt(0);
        expect(first, `${language} ${mode}: "${text}"`).toBe(first.toLocaleUpperCase(language));
        expect(text).toContain(LINK);
        if (language !== 'en') expect(text.toLowerCase(), `${language} ${mode}`).not.toContain('the police');
      }
    });
  }
});
