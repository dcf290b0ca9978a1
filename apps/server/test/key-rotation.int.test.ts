import { execFile } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../src/adapters/keys/key-ring.js';
import { verifyAuditTrail } from '../src/audit/audit-verify.js';
import { AuditHeadFile, auditHeadPath } from '../src/audit/head-file.js';
import { eventually, invite, type OfficerClient, signIn, startServer, type TestServer } from './harness.js';
import { readZip, verifyByHand, writeZip } from './zip-tools.js';

// An export and audit checkpoints signed before `sightline keys rotate`, more after: everything
// verifies with the published key list, by the CLI and by the standard tools VERIFY.txt names;
// a package signed by a key not on the list does not. Needs the built CLI (`npm run build`).

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../bin/sightline.js');
const work = mkdtempSync(join(tmpdir(), 'key-rotation-'));
let s: TestServer;
let supervisor: OfficerClient;
let handler: OfficerClient;

beforeAll(async () => {
  s = await startServer();
  supervisor = await signIn(s, ['supervisor', 'dpo']);
  handler = await signIn(s, ['call-handler']);
}, 120_000);
afterAll(async () => {
  await s?.close();
});

/** The CLI as an operator runs it beside the server: same data directory and database. */
async function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  const env = { ...process.env, SIGHTLINE_DATA_DIR: s.dataDir, SIGHTLINE_DATABASE_URL: s.databaseUrl };
  return run('node', [CLI, ...args], { env }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
}

/** Exports a new session and downloads the package. */
async function exportPackage(name: string): Promise<string> {
  const { sessionId } = await invite(s, handler);
  const job = (await (
    await supervisor.request('POST', '/api/exports', {
      sessionIds: [sessionId],
      reason: `rotation test ${name}`,
    })
  ).json()) as { id: string };
  await eventually(async () => {
    const j = (await (await supervisor.request('GET', `/api/exports/${job.id}`)).json()) as {
      state: string;
      error: string | null;
    };
    if (j.state === 'failed') throw new Error(j.error ?? 'failed');
    return j.state === 'done';
  }, 60_000);
  const file = join(work, `${name}.zip`);
  const res = await supervisor.request('GET', `/api/exports/${job.id}/download`);
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  return file;
}

const manifestKey = async (zip: string) => {
  const files = await readZip(zip);
  const manifest = [...files].find(([n]) => n.endsWith('/manifest.json'))![1];
  return (JSON.parse(manifest.toString('utf8')) as { signingKey: { fingerprint: string } }).signingKey
    .fingerprint;
};

/** VERIFY.txt's second and third ways: standard tools, then the key inside against the list. */
async function checkByHand(zip: string): Promise<{ embeddedKey: string }> {
  const top = await verifyByHand(zip, work);
  return { embeddedKey: fingerprintOf(createPublicKey(readFileSync(join(top, 'signing-key.pub.pem')))) };
}

describe('signing-key rotation', () => {
  let before: string;
  let after: string;
  let keyList: string;
  let oldKey: string;
  let newKey: string;

  it('`keys rotate` makes a new key current; exports before and after are signed by the old and the new key', async () => {
    before = await exportPackage('before');
    oldKey = s.c.signer.current().fingerprint;
    const rotated = await cli(['keys', 'rotate']);
    expect(rotated.code).toBe(0);
    // The running server signs with the new key without a restart.
    newKey = s.c.signer.current().fingerprint;
    expect(newKey).not.toBe(oldKey);
    expect(rotated.stdout).toContain(`Current key: ${newKey}`);
    after = await exportPackage('after');
    expect(await manifestKey(before)).toBe(oldKey);
    expect(await manifestKey(after)).toBe(newKey);

    const shown = await cli(['keys', 'show']);
    expect(shown.code).toBe(0);
    keyList = join(work, 'published-keys.pem');
    writeFileSync(keyList, shown.stdout);
    expect(shown.stdout).toContain(`Fingerprint: ${oldKey}`);
    expect(shown.stdout).toMatch(
      new RegExp(`# CURRENT\\nSightline evidence signing key \\(Ed25519\\)\\nFingerprint: ${newKey}`),
    );
    expect(shown.stdout.match(/^Retired: /gm)).toHaveLength(1);
  });

  it('both packages verify with `evidence verify` against the published key list', async () => {
    for (const zip of [before, after]) {
      const r = await cli(['evidence', 'verify', zip, '--public-key', keyList]);
      expect(r.stdout).toMatch(/^VERIFIED/m);
      expect(r.code).toBe(0);
    }
  });

  it('both packages verify by hand with sha256sum and openssl, and their keys are on the published list', async () => {
    const list = readFileSync(keyList, 'utf8');
    for (const zip of [before, after]) {
      const { embeddedKey } = await checkByHand(zip);
      expect(list).toContain(`Fingerprint: ${embeddedKey}`);
    }
  });

  it('a package signed by a key not on the list fails', async () => {
    // Someone re-signs the newer package with a key of their own, consistently throughout.
    const files = await readZip(after);
    const stranger = generateKeyPairSync('ed25519');
    const strangerPem = stranger.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const name = (suffix: string) => [...files.keys()].find((n) => n.endsWith(suffix))!;
    const manifest = JSON.parse(files.get(name('/manifest.json'))!.toString('utf8'));
    manifest.signingKey.fingerprint = fingerprintOf(stranger.publicKey);
    const json = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    files.set(name('/manifest.json'), json);
    files.set(
      name('/manifest.sig'),
      Buffer.from(`${sign(null, json, stranger.privateKey).toString('base64')}\n`),
    );
    const pubName = name('/signing-key.pub.pem');
    files.set(pubName, Buffer.from(strangerPem));
    // The manifest lists the key file's hash; a careful forger updates it too.
    const listed = manifest.files.find((f: { path: string }) => f.path === 'signing-key.pub.pem');
    if (listed) {
      listed.sha256 = createHash('sha256').update(strangerPem).digest('hex');
      listed.size = Buffer.byteLength(strangerPem);
      const again = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
      files.set(name('/manifest.json'), again);
      files.set(
        name('/manifest.sig'),
        Buffer.from(`${sign(null, again, stranger.privateKey).toString('base64')}\n`),
      );
    }
    const forged = join(work, 'forged.zip');
    await writeZip(forged, files);
    const r = await cli(['evidence', 'verify', forged, '--public-key', keyList]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/signed with key .* which is not among the given keys/);
    // On its own the package is consistent: only the key list tells it apart.
    expect((await cli(['evidence', 'verify', forged])).code).toBe(3);
    expect(readFileSync(keyList, 'utf8')).not.toContain(fingerprintOf(stranger.publicKey));
  });

  it('the audit chain verifies across the rotation: checkpoints by both keys, each with the key it names', async () => {
    await s.c.audit.record({ actor: { type: 'system' }, action: 'rotation.test' });
    await s.c.audit.checkpointNow();
    const signers = await s.c.db
      .selectFrom('audit_checkpoints')
      .select('key_fingerprint')
      .distinct()
      .execute();
    expect(signers.map((r) => r.key_fingerprint).sort()).toEqual([oldKey, newKey].sort());
    const r = await cli(['audit', 'verify']);
    expect(r.stdout).toMatch(/^INTACT: /m);
    expect(r.code).toBe(0);
    expect((await cli(['audit', 'verify', '--public-key', keyList])).code).toBe(0);
    // The new key alone cannot vouch for what the old one signed.
    const head = new AuditHeadFile(auditHeadPath(join(s.dataDir, 'keys'))).read();
    const onlyNew = await verifyAuditTrail(s.c.db, s.c.signer.current().publicKeyPem, head);
    expect(onlyNew.ok).toBe(false);
    expect(onlyNew.firstBad?.message).toMatch(
      new RegExp(`signed with key ${oldKey}, which is not in the key list`),
    );
  });
});
