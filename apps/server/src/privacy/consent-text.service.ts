import type { ConsentText, Language, SessionMode } from '@sightline/protocol';
import { type Clock, systemClock } from '../adapters/clock.js';
import { DomainError } from '../lib/errors.js';
import {
  type ConsentTextInputs,
  consentTextBody,
  consentTextVersion,
  renderConsentText,
} from './consent-text.js';
import type { ConsentTextRepository } from './consent-text.repository.js';

/** What a caller decided on: the language and the version of the words they were shown. */
export interface ShownText {
  language: Language;
  version: string;
}

/**
 * Serves the caller's page the words to show before consent, and later proves which words a
 * decision was made on: every text served is stored by its hash before the page gets it.
 */
export class ConsentTextService {
  /** Versions already stored by this process: serving the same text again writes nothing. */
  readonly #stored = new Set<string>();

  constructor(
    private readonly repo: ConsentTextRepository,
    private readonly inputs: ConsentTextInputs,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The text for a session's link in a language, stored first so a consent can name it. */
  async serve(
    language: Language,
    mode: SessionMode,
    locationMinutes: number | null,
  ): Promise<{ version: string; text: ConsentText }> {
    const text = renderConsentText(language, mode, locationMinutes, this.inputs);
    const body = consentTextBody(text);
    const version = consentTextVersion(body);
    if (!this.#stored.has(version)) {
      await this.repo.keep({ version, language, mode, body, first_served_at: this.clock.now() });
      this.#stored.add(version);
    }
    return { version, text };
  }

  /** Throws unless the version is a text served in that language for that kind of link. */
  async check(shown: ShownText, mode: SessionMode): Promise<void> {
    const row = await this.repo.get(shown.version);
    if (!row || row.language !== shown.language || row.mode !== mode)
      throw new DomainError(
        'consent_text_unknown',
        'the consent names a text version this server did not show in that language for this link',
      );
  }

  /** The stored texts for these versions (for exports), by version. */
  async texts(versions: string[]): Promise<Map<string, { language: string; text: ConsentText }>> {
    const rows = await this.repo.many([...new Set(versions)]);
    return new Map(
      rows.map((r) => [r.version, { language: r.language, text: JSON.parse(r.body) as ConsentText }]),
    );
  }
}
