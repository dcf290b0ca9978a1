import { dictionary } from '@zxcvbn-ts/language-common';
import { DomainError } from '../lib/errors.js';

/** Whose password it is: their own names are the first thing a guesser tries. */
export interface PasswordOwner {
  username: string;
  displayName?: string | undefined;
}

/** Words anyone guessing a Sightline officer's password would try first. */
const SERVICE_WORDS = ['sightline', 'police'];

// zxcvbn-ts's list of about 49,000 passwords seen most often in breaches.
let common: Set<string> | null = null;
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary['passwords-common']);
  return common;
}

const LEET: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '8': 'b',
  '3': 'e',
  '1': 'i',
  '!': 'i',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
};
const SEQUENCES = [
  'abcdefghijklmnopqrstuvwxyz',
  '01234567890',
  'qwertyuiopasdfghjklzxcvbnm',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
];

/**
 * Why a new password is too easy to guess, as a sentence for the person choosing it, or null
 * if it is acceptable. Length (12 to 256) is checked by the request schema.
 */
export function weakPasswordReason(password: string, owner: PasswordOwner): string | null {
  const lower = password.toLowerCase();
  const forms = spellings(lower);
  const list = commonPasswords();
  if (forms.some((f) => list.has(f))) return 'This is one of the most common passwords. Choose another.';
  // "Password1234!", "!!p@ssw0rd2024": a common password with digits or symbols round it.
  const cores = [...spellings(stripEnds(lower)), ...forms.map(stripEnds)].filter((c) => c.length >= 4);
  if (cores.some((c) => list.has(c)))
    return 'This is a common password with digits or symbols added. Choose another.';
  if (/^(.{1,4})\1+$/.test(lower)) return 'This repeats a short pattern. Choose another.';
  if (SEQUENCES.some((s) => (s + s).includes(lower) || (s + s).split('').reverse().join('').includes(lower)))
    return 'This is a keyboard or alphabet sequence. Choose another.';
  const names = [owner.username, ...(owner.displayName ?? '').split(/[^\p{L}\p{N}]+/u)]
    .map((n) => n.toLowerCase())
    .filter((n, i) => n.length >= (i === 0 ? 3 : 4));
  if (names.some((n) => forms.some((f) => f.includes(n))))
    return 'Do not use your username or name in your password.';
  if (SERVICE_WORDS.some((w) => forms.some((f) => f.includes(w))))
    return 'Do not use "sightline" or "police" in your password.';
  return null;
}

/** Refuses a weak new password with a message that names the problem (field `password`). */
export function assertStrongPassword(password: string, owner: PasswordOwner): void {
  const reason = weakPasswordReason(password, owner);
  if (reason) throw new DomainError('bad_request', `password: ${reason}`, { password: reason });
}

/** The password as typed and with l33t spellings undone ("1" read as both i and l). */
function spellings(lower: string): string[] {
  const plain = unleet(lower);
  return [...new Set([lower, plain, plain.replace(/i/g, 'l')])];
}

function stripEnds(s: string): string {
  return s.replace(/^[^a-z]+|[^a-z]+$/g, '');
}

function unleet(s: string): string {
  return s.replace(/[@483!10$57]/g, (c) => LEET[c] ?? c);
}
