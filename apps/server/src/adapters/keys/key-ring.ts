import { createHash, createPublicKey, type KeyObject, randomBytes, verify } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The key ring: the public half of every key a deployment has signed with, one PEM file per key
 * in `<key dir>/public-keys/`, named by fingerprint. Files are plain text a court can read: a
 * few header lines (when the key was in use), then the PEM block. Public keys only; rotation
 * keeps no old private key (see signer.ts).
 */
export interface RingKey {
  fingerprint: string;
  publicKeyPem: string;
  /** When it became current (ms); null if not recorded. */
  since: number | null;
  /** When another key replaced it (ms); null while current or never rotated. */
  retiredAt: number | null;
  current: boolean;
}

/** SHA-256 of the public key's DER (SPKI) encoding, hex, in groups of four for reading aloud. */
export function fingerprintOf(publicKey: KeyObject): string {
  const hex = createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
  return hex.match(/.{4}/g)!.join(':');
}

const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;
const ringDir = (keyDir: string) => join(keyDir, 'public-keys');
const fileOf = (keyDir: string, fingerprint: string) =>
  join(ringDir(keyDir), `${fingerprint.replaceAll(':', '')}.pem`);
const iso = (ms: number) => new Date(ms).toISOString();

function render(k: Omit<RingKey, 'current'>): string {
  return [
    'Sightline evidence signing key (Ed25519)',
    `Fingerprint: ${k.fingerprint}`,
    ...(k.since === null ? [] : [`In use from: ${iso(k.since)}`]),
    ...(k.retiredAt === null ? [] : [`Retired: ${iso(k.retiredAt)}`]),
    k.publicKeyPem.trim(),
    '',
  ].join('\n');
}

/** Temp file, then rename: instances sharing a key folder may write the same file at once. */
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, path);
}

function parseFile(text: string): Omit<RingKey, 'current'> | null {
  const pem = text.match(PEM_BLOCK)?.[0];
  if (!pem) return null;
  const when = (label: string) => {
    const m = text.match(new RegExp(`^${label}: (\\S+)$`, 'm'));
    const ms = m ? Date.parse(m[1]!) : Number.NaN;
    return Number.isNaN(ms) ? null : ms;
  };
  try {
    const fingerprint = fingerprintOf(createPublicKey(pem));
    return { fingerprint, publicKeyPem: `${pem}\n`, since: when('In use from'), retiredAt: when('Retired') };
  } catch {
    return null;
  }
}

/** Puts a public key in the ring if it is not there yet. */
export function addToRing(keyDir: string, publicKeyPem: string, since: number): void {
  const fingerprint = fingerprintOf(createPublicKey(publicKeyPem));
  const path = fileOf(keyDir, fingerprint);
  if (existsSync(path)) return;
  mkdirSync(ringDir(keyDir), { recursive: true, mode: 0o755 });
  writeAtomic(path, render({ fingerprint, publicKeyPem, since: Math.round(since), retiredAt: null }));
}

/** Marks a key in the ring as replaced at `at` (kept: what it signed must still verify). */
export function retireInRing(keyDir: string, fingerprint: string, at: number): void {
  const path = fileOf(keyDir, fingerprint);
  const k = existsSync(path) ? parseFile(readFileSync(path, 'utf8')) : null;
  if (!k || k.retiredAt !== null) return;
  writeAtomic(path, render({ ...k, retiredAt: at }));
}

/** Every key in the ring, oldest first, the current one last. */
export function readKeyRing(keyDir: string, currentFingerprint: string): RingKey[] {
  const dir = ringDir(keyDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pem'))
    .map((f) => parseFile(readFileSync(join(dir, f), 'utf8')))
    .filter((k): k is Omit<RingKey, 'current'> => k !== null)
    .map((k) => ({ ...k, current: k.fingerprint === currentFingerprint }))
    .sort((a, b) => order(a) - order(b));
}

function order(k: RingKey): number {
  return k.current ? Number.POSITIVE_INFINITY : (k.retiredAt ?? k.since ?? 0);
}

/** The published key list: every ring key as readable text with its PEM block, in one file. */
export function publishedKeyList(keys: RingKey[]): string {
  return keys.map((k) => `${k.current ? '# CURRENT\n' : ''}${render(k)}`).join('\n');
}

/** Every public key in a text (one PEM file, or a published key list), by fingerprint. */
export function parsePublicKeys(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const pem of text.match(PEM_BLOCK) ?? []) {
    try {
      keys.set(fingerprintOf(createPublicKey(pem)), pem);
    } catch {
      // Not a key: ignored, as is any other text around the blocks.
    }
  }
  return keys;
}

export type KeyedVerdict =
  | { ok: true; fingerprint: string }
  | { ok: false; reason: 'unknown-key' | 'bad-signature' };

/**
 * Checks a base64 Ed25519 signature with the key it names (its fingerprint), taken from `keys`.
 * A signature whose key is not among them fails as `unknown-key`: a signature is only worth the
 * key list it is checked against. Without a named key, any of them may match.
 */
export function verifyWithKeys(
  keys: Map<string, string>,
  fingerprint: string | null | undefined,
  data: Buffer | string,
  signature: string,
): KeyedVerdict {
  const candidates = fingerprint ? [[fingerprint, keys.get(fingerprint)] as const] : [...keys];
  if (fingerprint && !keys.has(fingerprint)) return { ok: false, reason: 'unknown-key' };
  for (const [fp, pem] of candidates) {
    try {
      if (pem && verify(null, Buffer.from(data), createPublicKey(pem), Buffer.from(signature, 'base64')))
        return { ok: true, fingerprint: fp };
    } catch {}
  }
  return { ok: false, reason: 'bad-signature' };
}

/**
 * Every public key a key folder holds (the ring and the current public key), by fingerprint:
 * what a restore trusts, since a backup made before a rotation was signed by a retired key.
 */
export function keysInFolder(keyDir: string): Map<string, string> {
  const keys = new Map(readKeyRing(keyDir, '').map((k) => [k.fingerprint, k.publicKeyPem]));
  const pub = join(keyDir, 'signing-key.pub.pem');
  if (existsSync(pub)) for (const [fp, pem] of parsePublicKeys(readFileSync(pub, 'utf8'))) keys.set(fp, pem);
  return keys;
}
