import { z } from 'zod';
import { Language, SessionMode } from './common.js';

/** A SHA-256 (lowercase hex) naming one exact consent text: the screen's words plus the notice's. */
export const ConsentTextVersion = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lowercase hex');
export type ConsentTextVersion = z.infer<typeof ConsentTextVersion>;

const Line = z.string().max(2000);

/** One heading of the privacy notice and its paragraphs. */
export const PrivacySection = z.object({ heading: Line, paragraphs: z.array(Line).max(12) });
export type PrivacySection = z.infer<typeof PrivacySection>;

/**
 * What the caller's page shows before they decide, rendered by the server in one language with
 * the force's values (controller, contacts, retention), so its hash names the exact words seen.
 */
export const ConsentText = z.object({
  language: Language,
  mode: SessionMode,
  /** The consent screen's words, in the order they are shown. */
  consent: z.object({
    title: Line,
    who: Line,
    whatTitle: Line,
    what: z.array(Line).max(6),
    recorded: Line,
    stop: Line,
    nothingYet: Line,
  }),
  notice: z.object({ title: Line, sections: z.array(PrivacySection).max(12) }),
});
export type ConsentText = z.infer<typeof ConsentText>;
