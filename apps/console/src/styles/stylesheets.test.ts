import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = import.meta.dirname;

/** Classes given a top-level rule of their own (`.name { … }`), per stylesheet. */
function baseClasses(css: string): string[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const found: string[] = [];
  let depth = 0;
  let prelude = '';
  for (const c of text) {
    if (c === '{') {
      if (depth === 0)
        for (const sel of prelude.split(',')) if (/^\.[\w-]+$/.test(sel.trim())) found.push(sel.trim());
      depth++;
      prelude = '';
    } else if (c === '}') {
      depth--;
      prelude = '';
    } else if (depth === 0) prelude += c;
  }
  return found;
}

describe('console stylesheets', () => {
  it('never style the same class in two stylesheets (a clash drew the export command one letter per line)', () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const file of readdirSync(DIR).filter((f) => f.endsWith('.css'))) {
      for (const cls of new Set(baseClasses(readFileSync(join(DIR, file), 'utf8')))) {
        const first = owner.get(cls);
        if (first) clashes.push(`${cls} in ${first} and ${file}`);
        else owner.set(cls, file);
      }
    }
    expect(clashes).toEqual([]);
  });
});
