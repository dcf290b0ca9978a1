import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Language } from '@sightline/protocol';
import { z } from 'zod';
import { noticeKeys, placeholdersOf } from '../privacy/strings.js';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? null : v.trim()));

/** Values a force's own notice text may use. */
export const NOTICE_PLACEHOLDERS = ['controller', 'days', 'nfpaDays', 'email', 'address', 'web'] as const;

/** The privacy notice's settings (docs/privacy/notice.md); config.ts spreads these into its schema. */
export const PRIVACY_ENV = {
  // The data controller named in the notice; unset: SIGHTLINE_AGENCY, then "the police".
  PRIVACY_CONTROLLER: optional.pipe(z.string().max(120).nullable()),
  // The Data Protection Officer's contacts; any may be left out, the notice says how to ask then.
  PRIVACY_EMAIL: optional.pipe(z.email('an email address, e.g. dpo@example.police.uk').nullable()),
  PRIVACY_ADDRESS: optional.pipe(z.string().max(300).nullable()),
  PRIVACY_URL: optional.pipe(
    z.url({ protocol: /^https$/, message: 'an https:// address of the force’s privacy page' }).nullable(),
  ),
  // A directory of <language>.json files rewording the notice's privacy.* keys.
  PRIVACY_TEXTS_DIR: optional,
};

type PrivacyEnv = { [K in keyof typeof PRIVACY_ENV]: z.infer<(typeof PRIVACY_ENV)[K]> };

/** The force's notice settings, with its per-language rewordings checked now rather than at a caller's page. */
export function shapePrivacy(e: PrivacyEnv, fail: (m: string) => Error) {
  return {
    controller: e.PRIVACY_CONTROLLER,
    email: e.PRIVACY_EMAIL,
    address: e.PRIVACY_ADDRESS,
    web: e.PRIVACY_URL,
    overrides: e.PRIVACY_TEXTS_DIR === null ? {} : loadOverrides(e.PRIVACY_TEXTS_DIR, fail),
  };
}

export type PrivacySettings = ReturnType<typeof shapePrivacy>;

function loadOverrides(
  dir: string,
  fail: (m: string) => Error,
): Partial<Record<Language, Record<string, string>>> {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw fail(`SIGHTLINE_PRIVACY_TEXTS_DIR: no directory at ${dir}`);
  const known = new Set(noticeKeys());
  const out: Partial<Record<Language, Record<string, string>>> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const where = `SIGHTLINE_PRIVACY_TEXTS_DIR: ${join(dir, file)}`;
    const language = Language.safeParse(file.slice(0, -'.json'.length));
    if (!language.success) throw fail(`${where}: not a language the caller's page offers`);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (err) {
      throw fail(`${where}: not JSON (${(err as Error).message})`);
    }
    const table = z.record(z.string(), z.string().min(1).max(2000)).safeParse(raw);
    if (!table.success) throw fail(`${where}: expected an object of non-empty strings`);
    for (const [key, text] of Object.entries(table.data)) {
      if (!known.has(key)) throw fail(`${where}: "${key}" is not a notice key (privacy.*)`);
      const unknown = placeholdersOf(text).filter(
        (p) => !(NOTICE_PLACEHOLDERS as readonly string[]).includes(p),
      );
      if (unknown.length) throw fail(`${where}: "${key}" uses unknown {${unknown.join('}, {')}}`);
    }
    out[language.data] = table.data;
  }
  return out;
}
