import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Signs with the deployment's Ed25519 key. Kept outside the database on purpose. */
export interface Signer {
  readonly fingerprint: string;
  readonly publicKeyPem: string;
  /** Base64 Ed25519 signature of `data`. */
  sign(data: Buffer | string): string;
}

/** SHA-256 of the public key's DER (SPKI) encoding, hex, in groups of four for reading aloud. */
export function fingerprintOf(publicKey: KeyObject): string {
  const hex = createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
  return hex.match(/.{4}/g)!.join(':');
}

/** Checks a base64 Ed25519 signature against a PEM public key. */
export function verifySignature(publicKeyPem: string, data: Buffer | string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(data), createPublicKey(publicKeyPem), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * Loads the deployment's signing key from `dir`, creating it on first start
 * (private key 0600, public key alongside for export).
 */
export function loadOrCreateSigner(dir: string): Signer & { created: boolean } {
  const privPath = join(dir, 'signing-key.pem');
  const pubPath = join(dir, 'signing-key.pub.pem');
  let created = false;
  if (!existsSync(privPath)) {
    mkdirSync(dirname(privPath), { recursive: true, mode: 0o700 });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(privPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    writeFileSync(pubPath, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
    created = true;
  }
  const privateKey = createPrivateKey(readFileSync(privPath));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${privPath} is not an Ed25519 key`);
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  if (!existsSync(pubPath)) writeFileSync(pubPath, publicKeyPem, { mode: 0o644 });
  return {
    created,
    fingerprint: fingerprintOf(publicKey),
    publicKeyPem,
    sign: (data) => sign(null, Buffer.from(data), privateKey).toString('base64'),
  };
}
