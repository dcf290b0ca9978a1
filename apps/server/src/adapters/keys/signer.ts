import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { addToRing, fingerprintOf, type RingKey, readKeyRing, retireInRing } from './key-ring.js';

export { fingerprintOf };

/** Signs with one Ed25519 key. Kept outside the database on purpose. */
export interface Signer {
  readonly fingerprint: string;
  readonly publicKeyPem: string;
  /** Base64 Ed25519 signature of `data`. */
  sign(data: Buffer | string): string;
}

/**
 * The deployment's signing keys: the current one, and the ring of every public key it has
 * signed with. Take `current()` once per thing signed, so that one manifest or checkpoint names
 * the key that really signed it even if `sightline keys rotate` runs meanwhile.
 */
export interface SigningKeys extends Signer {
  current(): Signer;
  /** Every key this deployment has signed with (public halves), oldest first, the current one marked. */
  ring(): RingKey[];
}

/** Checks a base64 Ed25519 signature against a PEM public key. */
export function verifySignature(publicKeyPem: string, data: Buffer | string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(data), createPublicKey(publicKeyPem), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

const PRIVATE = 'signing-key.pem';
const PUBLIC = 'signing-key.pub.pem';

function snapshot(privatePem: Buffer, path: string): Signer {
  const privateKey = createPrivateKey(privatePem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${path} is not an Ed25519 key`);
  const publicKey = createPublicKey(privateKey);
  return {
    fingerprint: fingerprintOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (data) => sign(null, Buffer.from(data), privateKey).toString('base64'),
  };
}

/**
 * Loads the deployment's signing key from `dir`, creating it on first start (private key 0600,
 * public key alongside for export), and puts its public key in the ring. The key file is
 * re-read when it changes (a rotation by the CLI while the server runs), so new signatures use
 * the new key without a restart.
 */
export function loadOrCreateSigner(
  dir: string,
  /** Told when the public files cannot be written (a read-only key folder): signing still works. */
  warn: (err: Error) => void = () => {},
): SigningKeys & { created: boolean } {
  const privPath = join(dir, PRIVATE);
  let created = false;
  if (!existsSync(privPath)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(privPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    created = true;
  }
  let stamp = '';
  let key: Signer | null = null;
  const current = (): Signer => {
    // A key folder that went away (unmounted, deleted) leaves the key last loaded in use.
    const st = statSync(privPath, { throwIfNoEntry: false });
    if (!st && key) return key;
    if (!st) throw new Error(`no signing key at ${privPath}`);
    const now = `${st.ino}:${st.mtimeMs}:${st.size}`;
    if (key && now === stamp) return key;
    key = snapshot(readFileSync(privPath), privPath);
    stamp = now;
    // Copies of the public half for verifiers: a key folder mounted read-only (a secret volume)
    // must not stop the server signing, as a head file that cannot be written does not.
    try {
      const pubPath = join(dir, PUBLIC);
      if (!existsSync(pubPath) || readFileSync(pubPath, 'utf8') !== key.publicKeyPem)
        writeFileSync(pubPath, key.publicKeyPem, { mode: 0o644 });
      addToRing(dir, key.publicKeyPem, st.mtimeMs);
    } catch (err) {
      warn(err as Error);
    }
    return key;
  };
  current();
  return {
    created,
    current,
    ring: () => readKeyRing(dir, current().fingerprint),
    get fingerprint() {
      return current().fingerprint;
    },
    get publicKeyPem() {
      return current().publicKeyPem;
    },
    sign: (data) => current().sign(data),
  };
}

/**
 * Makes a new Ed25519 key the current one. The old public key stays in the ring (marked
 * retired) so everything it signed still verifies; the old private key is replaced in place
 * and kept nowhere: nothing needs it again, and a kept one could sign back-dated evidence.
 */
export function rotateSigningKey(dir: string, now: number): { previous: string; current: string } {
  // One rotation at a time: two at once would each retire the other's new key.
  const lock = join(dir, 'rotate.lock');
  try {
    closeSync(openSync(lock, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    throw new Error(`another key rotation is in progress (${lock}); if none is, remove that file`);
  }
  try {
    return rotateLocked(dir, now);
  } finally {
    rmSync(lock, { force: true });
  }
}

function rotateLocked(dir: string, now: number): { previous: string; current: string } {
  const privPath = join(dir, PRIVATE);
  const previous = snapshot(readFileSync(privPath), privPath);
  addToRing(dir, previous.publicKeyPem, now);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const next = fingerprintOf(publicKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  // Into the ring first: a crash after this leaves a listed key that never signed, never a
  // signing key whose public half is missing.
  addToRing(dir, publicKeyPem, now);
  // A unique temp name, on disk before the rename: a crash leaves the old key or the new one whole.
  const tmp = `${privPath}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, privPath);
  // What is installed is what the ring lists as current, read back rather than assumed.
  const installed = snapshot(readFileSync(privPath), privPath).fingerprint;
  if (installed !== next) throw new Error(`${privPath} changed during the rotation: check the key folder`);
  writeFileSync(join(dir, PUBLIC), publicKeyPem, { mode: 0o644 });
  retireInRing(dir, previous.fingerprint, now);
  return { previous: previous.fingerprint, current: next };
}
