import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from './i18n.js';

const DIR = join(import.meta.dirname, '../../../translations');
const load = (file: string) => JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Record<string, string>;
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const en = load('en.json');
const keys = Object.keys(en).filter((k) => !k.startsWith('_meta.'));

describe('translations', () => {
  it('exist for every language the page offers, and nothing else', () => {
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace('.json', ''))
      .sort();
    expect(files).toEqual(LANGUAGES.map((l) => l.code).sort());
  });

  for (const { code, rtl } of LANGUAGES.filter((l) => l.code !== 'en')) {
    it(`${code}: has every key, with the same {placeholders}, and the right direction`, () => {
      const tr = load(`${code}.json`);
      expect(
        Object.keys(tr)
          .filter((k) => !k.startsWith('_meta.'))
          .sort(),
      ).toEqual([...keys].sort());
      for (const k of keys) {
        expect(tr[k]?.trim(), `${code}.${k} is empty`).toBeTruthy();
        expect(placeholders(tr[k]!), `${code}.${k}`).toEqual(placeholders(en[k]!));
      }
      expect(tr['_meta.dir']).toBe(rtl ? 'rtl' : 'ltr');
    });
  }
});
