import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Language, SessionMode } from '@sightline/protocol';

/** The repository's translations (the same files the caller page uses). */
const TRANSLATIONS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../translations');

const KEY: Record<SessionMode, string> = {
  video: 'sms.invite',
  location: 'sms.invite.location',
  'two-way': 'sms.invite.twoWay',
};

/**
 * Invitation texts in the caller's language. A force can override the wording
 * per language with its own files (SIGHTLINE_SMS_TEMPLATES_DIR/<lang>.json,
 * same keys); anything missing falls back to the shipped text, then to English.
 */
export class SmsTexts {
  readonly #cache = new Map<string, Record<string, string>>();

  constructor(private readonly overridesDir: string | null) {}

  /**
   * A null agency (none configured) is said the language's own way (`agency.default`, e.g.
   * "la policía"); a text that opens with it starts with a capital ("The police: …").
   */
  render(language: Language, mode: SessionMode, vars: { agency: string | null; link: string }): string {
    const key = KEY[mode];
    const template = this.lookup(language, key) ?? this.lookup('en', key) ?? '{agency}: {link}';
    const filled: Record<string, string> = {
      link: vars.link,
      agency:
        vars.agency ??
        this.lookup(language, 'agency.default') ??
        this.lookup('en', 'agency.default') ??
        'Police',
    };
    const out = template.replace(/\{(\w+)\}/g, (m, name: string) => filled[name] ?? m);
    return template.startsWith('{') ? out.charAt(0).toLocaleUpperCase(language) + out.slice(1) : out;
  }

  private lookup(language: string, key: string): string | undefined {
    for (const dir of [this.overridesDir, TRANSLATIONS]) {
      if (!dir) continue;
      const file = join(dir, `${language}.json`);
      if (!this.#cache.has(file))
        this.#cache.set(
          file,
          existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {},
        );
      const value = this.#cache.get(file)![key];
      if (value) return value;
    }
    return undefined;
  }
}
