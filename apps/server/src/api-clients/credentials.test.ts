import { describe, expect, it } from 'vitest';
import { cryptoRandom } from '../adapters/random.js';
import {
  accessTokenDigest,
  keyPrefix,
  newAccessToken,
  newKey,
  parseKey,
  parseScopes,
  sameDigest,
} from './credentials.js';

describe('API credentials', () => {
  it('parses a new key back to its id and the digest stored for it', () => {
    const k = newKey(cryptoRandom);
    expect(k.key.startsWith(`${keyPrefix(k.keyId)}_`)).toBe(true);
    expect(parseKey(k.key)).toEqual({ keyId: k.keyId, hash: k.hash });
    expect(k.key).not.toContain(k.hash);
  });

  it('refuses values not shaped like a key or token', () => {
    const k = newKey(cryptoRandom);
    expect(parseKey(`${k.key}x`)).toBeNull();
    expect(parseKey(k.key.replace('sl_', 'sk_'))).toBeNull();
    expect(accessTokenDigest(k.key)).toBeNull();
    const t = newAccessToken(cryptoRandom);
    expect(accessTokenDigest(t.token)).toBe(t.hash);
    expect(parseKey(t.token)).toBeNull();
  });

  it('tells a changed secret from the right one', () => {
    const k = newKey(cryptoRandom);
    const last = k.key.at(-1) === 'A' ? 'B' : 'A';
    const wrong = parseKey(k.key.slice(0, -1) + last)!;
    expect(sameDigest(wrong.hash, k.hash)).toBe(false);
    expect(sameDigest(parseKey(k.key)!.hash, k.hash)).toBe(true);
    expect(sameDigest('ab', k.hash)).toBe(false);
  });

  it('reads an OAuth scope parameter and refuses unknown scopes', () => {
    expect(parseScopes('sessions:read  invites:write sessions:read')).toEqual([
      'sessions:read',
      'invites:write',
    ]);
    expect(parseScopes('sessions:read admin')).toBeNull();
    expect(parseScopes('')).toEqual([]);
  });
});
