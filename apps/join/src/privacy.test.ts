import type { ConsentText } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { shownVersion, wordsShown } from './privacy.js';

const text = (language: 'en' | 'ar'): ConsentText => ({
  language,
  mode: 'video',
  consent: { title: 'T', who: 'W', whatTitle: 'WT', what: ['a'], recorded: 'r', stop: 's', nothingYet: 'n' },
  notice: { title: 'N', sections: [] },
});

describe('the words a consent names', () => {
  it('are the server’s for the language on screen, with their version', () => {
    const s = { language: 'ar' as const, consentText: { version: 'v1', text: text('ar') } };
    expect(wordsShown(s)?.consent.title).toBe('T');
    expect(shownVersion(s)).toEqual({ language: 'ar', textVersion: 'v1' });
  });

  it('are none after the caller switched language and the new words have not arrived', () => {
    const s = { language: 'ar' as const, consentText: { version: 'v1', text: text('en') } };
    expect(wordsShown(s)).toBeNull();
    expect(shownVersion(s)).toEqual({});
  });

  it('are none before any arrived', () => {
    expect(shownVersion({ language: 'en', consentText: null })).toEqual({});
  });
});
