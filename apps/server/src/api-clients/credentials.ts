import { createHash, timingSafeEqual } from 'node:crypto';
import { API_SCOPES, type ApiScope } from '@sightline/protocol';
import type { Random } from '../adapters/random.js';

/** 256 bits: the secret part of a key and the whole of an access token. */
const SECRET_BYTES = 32;
const KEY = /^sl_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const TOKEN = /^sla_[A-Za-z0-9_-]{43}$/;

/** A new API key: `sl_<keyId>_<secret>`. The key id is public (found by it); only the secret's digest is kept. */
export function newKey(random: Random): { keyId: string; key: string; hash: string } {
  const keyId = random.id().replace(/-/g, '').slice(0, 16);
  const secret = random.secret(SECRET_BYTES);
  return { keyId, key: `sl_${keyId}_${secret}`, hash: digest(secret) };
}

/** The key id and secret digest of something shaped like a key; null otherwise. */
export function parseKey(value: string): { keyId: string; hash: string } | null {
  const m = KEY.exec(value);
  return m ? { keyId: m[1]!, hash: digest(m[2]!) } : null;
}

/** A new OAuth access token and its digest (the only thing stored). */
export function newAccessToken(random: Random): { token: string; hash: string } {
  const token = `sla_${random.secret(SECRET_BYTES)}`;
  return { token, hash: digest(token) };
}

/** The digest an access token is stored under; null if it is not shaped like one. */
export function accessTokenDigest(value: string): string | null {
  return TOKEN.test(value) ? digest(value) : null;
}

/** The public part of a key, shown to admins to tell keys apart. */
export const keyPrefix = (keyId: string) => `sl_${keyId}`;

/** What a presented credential looks like, for a log line: a key's public prefix, never a secret. */
export function describeCredential(value: string | undefined): string {
  if (!value) return 'none';
  const key = KEY.exec(value);
  if (key) return `key ${keyPrefix(key[1]!)}`;
  return TOKEN.test(value) ? 'access token' : 'unrecognised';
}

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The scopes in an OAuth `scope` parameter (space-separated); null if any is unknown. */
export function parseScopes(value: string): ApiScope[] | null {
  const names = value.split(' ').filter(Boolean);
  if (!names.every((n): n is ApiScope => Object.hasOwn(API_SCOPES, n))) return null;
  return [...new Set(names)];
}

const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest('hex');
