import { createHash } from 'node:crypto';
import { ConsentText, type Language, type SessionMode } from '@sightline/protocol';
import { consentWords } from '@sightline/protocol/consent-words';
import type { PrivacySettings } from '../config/privacy-config.js';
import { shippedStrings } from './strings.js';

/** Everything besides the language and mode that changes the words a caller is shown. */
export interface ConsentTextInputs {
  /** The force's name on the consent screen (SIGHTLINE_AGENCY); null: the language's own "the police". */
  agency: string | null;
  privacy: PrivacySettings;
  retention: { unclassifiedDays: number; nfpaDays: number };
}

type Vars = Record<string, string | number | null>;

/**
 * The consent screen's and the privacy notice's words for one language, link mode and location
 * window: the same keys and rules as the caller's page (`apps/join/src/i18n.ts#translate`), so
 * the page can show exactly these words. A force's own wording wins over the shipped one.
 */
export function renderConsentText(
  language: Language,
  mode: SessionMode,
  locationMinutes: number | null,
  inputs: ConsentTextInputs,
): ConsentText {
  const own = inputs.privacy.overrides[language] ?? {};
  const shipped = shippedStrings(language);
  const english = shippedStrings('en');
  const fallback = (name: string) => shipped[name] || english[name] || '';
  const t = (key: string, vars: Vars = {}): string => {
    const template = own[key] || shipped[key] || english[key] || key;
    const value = (name: string): string | undefined => {
      const v = vars[name];
      if (v !== null && v !== undefined && String(v).trim() !== '') return String(v);
      if (name === 'agency' || name === 'controller') return fallback('agency.default');
      return undefined;
    };
    const out = template.replace(/\{(\w+)\}/g, (m, name: string) => value(name) ?? m);
    return template.startsWith('{') ? out.charAt(0).toLocaleUpperCase(language) + out.slice(1) : out;
  };
  const { agency, privacy } = inputs;
  const controller = privacy.controller ?? agency;
  const contacts = [
    privacy.email && t('privacy.contact.email', { email: privacy.email }),
    privacy.address && t('privacy.contact.address', { address: privacy.address }),
    privacy.web && t('privacy.contact.web', { web: privacy.web }),
  ].filter((x): x is string => !!x);
  const kind = mode === 'location' ? 'location' : mode === 'two-way' ? 'twoWay' : 'video';
  return ConsentText.parse({
    language,
    mode,
    consent: consentWords(t, mode, agency, locationMinutes),
    notice: {
      title: t('privacy.title'),
      sections: [
        { heading: t('privacy.who.title'), paragraphs: [t('privacy.who', { controller })] },
        { heading: t('privacy.why.title'), paragraphs: [t('privacy.why')] },
        { heading: t('privacy.what.title'), paragraphs: [t(`privacy.what.${kind}`)] },
        {
          heading: t('privacy.kept.title'),
          paragraphs: [
            t('privacy.kept', {
              days: inputs.retention.unclassifiedDays,
              nfpaDays: inputs.retention.nfpaDays,
            }),
          ],
        },
        { heading: t('privacy.rights.title'), paragraphs: [t('privacy.rights'), t('privacy.complain')] },
        {
          heading: t('privacy.contact.title'),
          paragraphs: contacts.length
            ? [t('privacy.contact', { controller }), ...contacts]
            : [t('privacy.contact.none', { controller })],
        },
      ],
    },
  });
}

/** The text as stored: JSON in the schema's key order, so equal texts are equal bytes. */
export const consentTextBody = (text: ConsentText): string => JSON.stringify(ConsentText.parse(text));

/** The version that names a text: SHA-256 over a labelled, versioned form of its body. */
export const consentTextVersion = (body: string): string =>
  createHash('sha256').update(`sightline-consent-text/1\n${body}`, 'utf8').digest('hex');

/** The text as plain lines, for reports and exports (headings, then their paragraphs). */
export function consentTextLines(text: ConsentText): string[] {
  const c = text.consent;
  return [
    c.title,
    c.who,
    c.whatTitle,
    ...c.what.map((w) => `- ${w}`),
    c.recorded,
    c.stop,
    c.nothingYet,
    '',
    text.notice.title,
    ...text.notice.sections.flatMap((s) => ['', s.heading, ...s.paragraphs]),
  ];
}
