import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Strings = Readonly<Record<string, string>>;

/** The repository's translations: the same files the caller's page ships. */
export const TRANSLATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../translations');

const cache = new Map<string, Strings>();

/** One language's shipped strings (empty when there is no such file). */
export function shippedStrings(language: string): Strings {
  const file = join(TRANSLATIONS_DIR, `${language}.json`);
  let table = cache.get(file);
  if (!table) {
    table = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Strings) : {};
    cache.set(file, table);
  }
  return table;
}

/** The privacy notice's keys a force may reword (English is the source of the list). */
export const noticeKeys = (): string[] =>
  Object.keys(shippedStrings('en')).filter((k) => k.startsWith('privacy.'));

/** The {placeholders} a template uses. */
export const placeholdersOf = (template: string): string[] =>
  [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
