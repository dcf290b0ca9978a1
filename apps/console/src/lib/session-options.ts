import type { Language, SessionMode } from '@sightline/protocol';

/** What a link shares, as the invite form offers it and the session page names it. */
export const MODES: ReadonlyArray<{ value: SessionMode; label: string; short: string }> = [
  { value: 'video', label: 'Live video and location', short: 'Video and location' },
  { value: 'location', label: 'Location only', short: 'Location only' },
  { value: 'two-way', label: 'Two-way video call', short: 'Two-way video' },
];

/**
 * The caller-page languages, each named in itself (a caller may point at their
 * own language on the handler's screen) with the English name for the handler.
 * Order: English first, then as London's control rooms most often need them.
 */
export const LANGUAGES: ReadonlyArray<{ code: Language; native: string; english: string }> = [
  { code: 'en', native: 'English', english: 'English' },
  { code: 'cy', native: 'Cymraeg', english: 'Welsh' },
  { code: 'pl', native: 'Polski', english: 'Polish' },
  { code: 'ro', native: 'Română', english: 'Romanian' },
  { code: 'bn', native: 'বাংলা', english: 'Bengali' },
  { code: 'ur', native: 'اردو', english: 'Urdu' },
  { code: 'ar', native: 'العربية', english: 'Arabic' },
  { code: 'es', native: 'Español', english: 'Spanish' },
  { code: 'pt', native: 'Português', english: 'Portuguese' },
  { code: 'so', native: 'Soomaali', english: 'Somali' },
  { code: 'tr', native: 'Türkçe', english: 'Turkish' },
  { code: 'gu', native: 'ગુજરાતી', english: 'Gujarati' },
];

/** "Video and location", for headers and lists. */
export function modeName(mode: SessionMode): string {
  return MODES.find((m) => m.value === mode)?.short ?? mode;
}

/** "4 8 2 9": one digit at a time, the way it is read aloud over a phone line. */
export function spacedCode(code: string): string {
  return code.replace(/\s+/g, '').split('').join(' ');
}

/** Location sharing limits the server accepts (minutes). */
export const LOCATION_MINUTES = { min: 5, max: 24 * 60, default: 120 } as const;
