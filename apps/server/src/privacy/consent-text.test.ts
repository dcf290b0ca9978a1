import type { Language, SessionMode } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import type { PrivacySettings } from '../config/privacy-config.js';
import {
  type ConsentTextInputs,
  consentTextBody,
  consentTextLines,
  consentTextVersion,
  renderConsentText,
} from './consent-text.js';

const privacy: PrivacySettings = { controller: null, email: null, address: null, web: null, overrides: {} };
const inputs: ConsentTextInputs = {
  agency: 'Thames Valley Police',
  privacy,
  retention: { unclassifiedDays: 31, nfpaDays: 14 },
};
const version = (i: ConsentTextInputs, language: Language, mode: SessionMode, minutes: number | null) =>
  consentTextVersion(consentTextBody(renderConsentText(language, mode, minutes, i)));

describe('the consent text', () => {
  it('words the notice for the link, the force and its retention, in English', () => {
    const text = renderConsentText('en', 'location', 90, inputs);
    expect(text.consent.title).toBe('Share your location with Thames Valley Police');
    expect(text.consent.what).toContain(
      'Sharing stops by itself after 90 minutes, or when you or the officer end it.',
    );
    const notice = consentTextLines(text).join('\n');
    expect(notice).toContain('Thames Valley Police is responsible for the information you share here');
    expect(notice).toContain('Part 3 of the Data Protection Act 2018');
    expect(notice).toContain('deleted 31 days after your session ends, or 14 days after');
    expect(notice).toContain('Not your camera or microphone.');
    expect(notice).toContain('Information Commissioner’s Office');
    // No contacts configured: the notice says how to ask for the DPO instead of printing blanks.
    expect(notice).toContain('Ask the call handler or officer how to contact the Data Protection Officer');
  });

  it('is in the caller’s language, right to left scripts included, with no placeholder left unfilled', () => {
    const ar = renderConsentText('ar', 'video', null, { ...inputs, agency: null });
    const lines = consentTextLines(ar).join('\n');
    expect(ar.notice.title).toBe('كيف نستخدم معلوماتك');
    expect(lines).toContain('الشرطة'); // no force name: the language's own "the police"
    expect(lines).not.toMatch(/\{\w+\}/);
    expect(consentTextLines(renderConsentText('cy', 'two-way', null, inputs)).join('\n')).toContain(
      'Thames Valley Police sy’n gyfrifol',
    );
  });

  it('lists the DPO’s contacts as configured, the controller named apart from the agency', () => {
    const text = renderConsentText('en', 'video', null, {
      ...inputs,
      privacy: {
        ...privacy,
        controller: 'Chief Constable of TVP',
        email: 'dpo@tvp.example',
        web: 'https://tvp.example/p',
      },
    });
    const contact = text.notice.sections.at(-1)!;
    expect(contact.paragraphs).toEqual([
      'Contact the Data Protection Officer of Chief Constable of TVP:',
      'Email: dpo@tvp.example',
      'Web: https://tvp.example/p',
    ]);
  });

  it('has one stable version per exact wording, which any change of words changes', () => {
    const base = version(inputs, 'en', 'video', null);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(version(inputs, 'en', 'video', null)).toBe(base);
    // Pinned: the same words must keep the same version across releases, or old consents lose their text.
    expect(consentTextVersion('{}')).toBe('1d04470e2b72f2676ff5235f6adbb2fc16db34985a909656142c959d581984a4');
    expect(version(inputs, 'cy', 'video', null)).not.toBe(base);
    expect(version(inputs, 'en', 'two-way', null)).not.toBe(base);
    expect(
      version({ ...inputs, retention: { unclassifiedDays: 30, nfpaDays: 14 } }, 'en', 'video', null),
    ).not.toBe(base);
    const reworded = {
      ...inputs,
      privacy: {
        ...privacy,
        overrides: { en: { 'privacy.why': 'Our own words on why, under DPA 2018 Part 3.' } },
      },
    };
    expect(version(reworded, 'en', 'video', null)).not.toBe(base);
    expect(renderConsentText('en', 'video', null, reworded).notice.sections[1]!.paragraphs).toEqual([
      'Our own words on why, under DPA 2018 Part 3.',
    ]);
    // A rewording in English leaves Welsh as shipped.
    expect(version(reworded, 'cy', 'video', null)).toBe(version(inputs, 'cy', 'video', null));
  });
});
