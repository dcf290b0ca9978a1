import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePublicKeys, publishedKeyList, verifyWithKeys } from './key-ring.js';
import { loadOrCreateSigner, rotateSigningKey, verifySignature } from './signer.js';

const keyDir = () => mkdtempSync(join(tmpdir(), 'key-ring-'));

describe('signing-key rotation', () => {
  it('a new key signs after rotation, and what the old key signed still verifies against the key list', () => {
    const dir = keyDir();
    const signer = loadOrCreateSigner(dir);
    const before = signer.current();
    const oldSig = before.sign('made before');
    const r = rotateSigningKey(dir, Date.UTC(2026, 10, 30));
    expect(r.previous).toBe(before.fingerprint);
    // The running signer picks the new key up without being reloaded.
    const after = signer.current();
    expect(after.fingerprint).toBe(r.current);
    expect(after.fingerprint).not.toBe(before.fingerprint);
    const list = parsePublicKeys(publishedKeyList(signer.ring()));
    expect([...list.keys()].sort()).toEqual([before.fingerprint, after.fingerprint].sort());
    expect(verifyWithKeys(list, before.fingerprint, 'made before', oldSig)).toEqual({
      ok: true,
      fingerprint: before.fingerprint,
    });
    expect(verifyWithKeys(list, after.fingerprint, 'made after', after.sign('made after')).ok).toBe(true);
    // A signature is checked with the key it names, not with whichever key happens to match.
    expect(verifyWithKeys(list, after.fingerprint, 'made before', oldSig)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('the key list marks the current key and the retired one with when it was replaced', () => {
    const dir = keyDir();
    const signer = loadOrCreateSigner(dir);
    const old = signer.fingerprint;
    rotateSigningKey(dir, Date.UTC(2026, 10, 30, 12));
    const ring = signer.ring();
    expect(ring.map((k) => [k.fingerprint, k.current])).toEqual([
      [old, false],
      [signer.fingerprint, true],
    ]);
    expect(ring[0]!.retiredAt).toBe(Date.UTC(2026, 10, 30, 12));
    const text = publishedKeyList(ring);
    expect(text).toContain(
      `# CURRENT\nSightline evidence signing key (Ed25519)\nFingerprint: ${signer.fingerprint}`,
    );
    expect(text).toContain('Retired: 2026-11-30T12:00:00.000Z');
  });

  it('keeps no old private key anywhere in the key folder', () => {
    const dir = keyDir();
    loadOrCreateSigner(dir);
    const oldPrivate = readFileSync(join(dir, 'signing-key.pem'), 'utf8');
    rotateSigningKey(dir, Date.now());
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    const privateFiles = files.filter((f) =>
      readFileSync(join(f.parentPath, f.name), 'utf8').includes('PRIVATE KEY'),
    );
    expect(privateFiles.map((f) => f.name)).toEqual(['signing-key.pem']);
    expect(readFileSync(join(dir, 'signing-key.pem'), 'utf8')).not.toBe(oldPrivate);
  });

  it('a signature by a key not in the list fails as an unknown key', () => {
    const dir = keyDir();
    const signer = loadOrCreateSigner(dir);
    const list = parsePublicKeys(publishedKeyList(signer.ring()));
    const stranger = loadOrCreateSigner(keyDir()).current();
    expect(verifyWithKeys(list, stranger.fingerprint, 'x', stranger.sign('x'))).toEqual({
      ok: false,
      reason: 'unknown-key',
    });
    // Nor does it pass by leaving the key unnamed.
    expect(verifyWithKeys(list, null, 'x', stranger.sign('x')).ok).toBe(false);
  });

  it('reads keys out of any text around PEM blocks and ignores blocks that are not keys', () => {
    const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const text = `notes\n${pem}\n-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n`;
    expect(parsePublicKeys(text).size).toBe(1);
  });
});

describe('a key folder the server cannot write to', () => {
  it('the server still loads its key and signs, and says why the key list is not kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-ro-'));
    try {
      loadOrCreateSigner(dir);
      // What a read-only mount does to the writes (root ignores modes, so block them another way).
      rmSync(join(dir, 'public-keys'), { recursive: true });
      writeFileSync(join(dir, 'public-keys'), 'not a folder');
      const warnings: Error[] = [];
      const signer = loadOrCreateSigner(dir, (err) => warnings.push(err));
      const sig = signer.sign('hello');
      expect(verifySignature(signer.publicKeyPem, 'hello', sig)).toBe(true);
      expect(warnings.length).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('key rotation safety', () => {
  it('a rotation while another holds the lock is refused and changes nothing; afterwards it works', () => {
    const dir = keyDir();
    const before = loadOrCreateSigner(dir).fingerprint;
    writeFileSync(join(dir, 'rotate.lock'), '');
    expect(() => rotateSigningKey(dir, Date.now())).toThrow(/another key rotation is in progress/);
    expect(loadOrCreateSigner(dir).fingerprint).toBe(before);
    rmSync(join(dir, 'rotate.lock'));
    const r = rotateSigningKey(dir, Date.now());
    expect(r.previous).toBe(before);
    expect(loadOrCreateSigner(dir).fingerprint).toBe(r.current);
    // No temp file or lock is left behind.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'))).toEqual([]);
  });
});
