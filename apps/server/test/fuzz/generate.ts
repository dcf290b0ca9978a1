import { z } from 'zod';

/** A small seeded PRNG (mulberry32): the same seed gives the same fuzz run, so a failure can be replayed. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

/** Strings that have broken parsers, paths, SQL, HTML and date handling elsewhere. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '../../../../etc/passwd',
  '%2e%2e%2f',
  "' OR 1=1 --",
  '"; DROP TABLE sessions; --',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  '\u202e\u0644\u0627',
  '😀'.repeat(50),
  'a'.repeat(5000),
  '1e309',
  '-0',
  'NaN',
  '9999-12-31',
  '0000-00-00',
  '2023-02-30',
  'null',
  '{"$gt":""}',
  '\r\nX-Injected: 1',
];
const NASTY_NUMBERS = [
  0,
  -1,
  1,
  -0,
  0.5,
  2 ** 31,
  2 ** 53 + 1,
  -(2 ** 53),
  1e308,
  -1e308,
  8.64e15 + 1,
  1_700_000_000,
  1_700_000_000_000,
];

/** Any JSON value, biased towards the shapes that break handlers. */
export function junk(rng: Rng, depth = 0): unknown {
  switch (rng.int(0, depth > 2 ? 3 : 6)) {
    case 0:
      return rng.pick(NASTY_STRINGS);
    case 1:
      return rng.pick(NASTY_NUMBERS);
    case 2:
      return rng.pick([true, false, null]);
    case 3:
      return rng.chance(0.5) ? rng.int(-1000, 1000) : randomText(rng, rng.int(0, 40));
    case 4:
      return Array.from({ length: rng.int(0, 4) }, () => junk(rng, depth + 1));
    case 5: {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(0, 4); i > 0; i--)
        o[rng.pick([...NASTY_STRINGS, 'id', 'type'])] = junk(rng, depth + 1);
      return o;
    }
    default:
      return JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}');
  }
}

function randomText(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++)
    s += String.fromCharCode(rng.chance(0.9) ? rng.int(32, 126) : rng.int(0, 0xffff));
  return s;
}

type JsonSchema = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  default?: unknown;
};

/** JSON Schema for a zod schema as its input, or null when zod cannot express it. */
export function toJsonSchema(schema: unknown): JsonSchema | null {
  if (!(schema instanceof z.ZodType)) return null;
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    return null;
  }
}

/**
 * A value shaped by the schema (so it gets past validation and reaches the handler),
 * with `mutate` the chance at each node of junk instead.
 */
export function fromSchema(rng: Rng, s: JsonSchema | null, mutate: number, hints: Hints, key = ''): unknown {
  if (!s || rng.chance(mutate)) return junk(rng);
  if (s.const !== undefined) return s.const;
  if (s.enum) return rng.pick(s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts?.length) return fromSchema(rng, rng.pick(alts), mutate, hints, key);
  if (s.allOf?.length) return fromSchema(rng, s.allOf[0]!, mutate, hints, key);
  const type = Array.isArray(s.type) ? rng.pick(s.type) : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, sub] of Object.entries(s.properties ?? {})) {
        if (!s.required?.includes(k) && rng.chance(0.4)) continue;
        out[k] = fromSchema(rng, sub, mutate, hints, k);
      }
      if (rng.chance(mutate)) out[rng.pick(NASTY_STRINGS)] = junk(rng);
      return out;
    }
    case 'array': {
      const n = rng.int(s.minItems ?? 0, Math.min(s.maxItems ?? 4, (s.minItems ?? 0) + 4));
      return Array.from({ length: n }, () => fromSchema(rng, s.items ?? null, mutate, hints));
    }
    case 'integer':
    case 'number': {
      const lo = s.minimum ?? -1e6;
      const hi = s.maximum ?? 1e6;
      const v = rng.chance(0.3) ? rng.pick([lo, hi]) : lo + rng.next() * (hi - lo);
      return type === 'integer' ? Math.round(v) : v;
    }
    case 'boolean':
      return rng.chance(0.5);
    case 'null':
      return null;
    case 'string': {
      const hint = hints(key, s);
      if (hint !== undefined) return hint;
      if (s.format === 'uuid') return crypto.randomUUID();
      if (s.format === 'date') return rng.pick(['2000-01-01', '1999-12-31', '2030-01-01']);
      if (s.format === 'date-time') return new Date(rng.int(0, 4e12)).toISOString();
      const min = s.minLength ?? 0;
      const max = Math.min(s.maxLength ?? 60, min + 60);
      return randomText(rng, rng.int(min, max));
    }
    default:
      return junk(rng);
  }
}

/** Supplies real values (ids of live sessions, a phone number) for keys the schema alone cannot. */
export type Hints = (key: string, s: JsonSchema) => unknown;
