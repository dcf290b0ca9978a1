import { accessSync, constants, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parsePublicKeys } from '../adapters/keys/key-ring.js';
import { verifyPackage } from '../evidence/export/verify-package.js';
import { exitWith, out } from './context.js';

/** `sightline evidence verify`: deliberately reads no configuration and opens no database. */
export function registerEvidence(program: Command): void {
  program
    .command('evidence')
    .description('Export packages.')
    .command('verify')
    .description(
      "Check an export package on its own (no server, no database, no network): every file's " +
        'SHA-256 and zip CRC-32, the manifest signature, the seal chains and the masters against their ' +
        'seals. Exit 0 when VERIFIED against --public-key; 3 when only self-consistent (no --public-key: ' +
        'signed by the key inside the package, which proves nothing about who made it); 1 when FAILED ' +
        '(also for a truncated or damaged zip); 64 for a usage error (missing argument, unreadable file).',
    )
    .argument('<package.zip>', 'the export package')
    .option(
      '--public-key <pem>',
      "PEM file of your force's public key, or its published key list (`sightline keys show`; the key the manifest names is used). Else the key inside the package is used",
    )
    .action(exitWith((zip: string, opts: { publicKey?: string }) => evidenceVerify(zip, opts.publicKey)));
}

/** Exit codes of `evidence verify`, documented in docs/evidence.md. */
const VERIFIED = 0;
const FAILED = 1;
const SELF_CONSISTENT_ONLY = 3;
const USAGE = 64;

async function evidenceVerify(zip: string, publicKey: string | undefined): Promise<number> {
  // Arguments that cannot be used are the caller's mistake (64), not a verdict on the package.
  let key: string | null = null;
  try {
    accessSync(zip, constants.R_OK);
  } catch (err) {
    console.error(`error: cannot read the package ${zip}: ${(err as Error).message}`);
    return USAGE;
  }
  if (publicKey) {
    try {
      key = readFileSync(publicKey, 'utf8');
    } catch (err) {
      console.error(`error: cannot read --public-key ${publicKey}: ${(err as Error).message}`);
      return USAGE;
    }
    if (parsePublicKeys(key).size === 0) {
      console.error(`error: --public-key ${publicKey} holds no PEM public key`);
      return USAGE;
    }
  }
  const v = await verifyPackage(zip, key);
  for (const c of v.checks) out(`  ok    ${c}`);
  for (const p of v.problems) out(`  FAIL  ${p}`);
  if (v.ok && v.keySource === 'given') {
    out(`VERIFIED: every file is exactly as exported and signed with the given key (${v.signedBy}).`);
    return VERIFIED;
  }
  if (v.ok) {
    out(
      'SELF-CONSISTENT ONLY: every file matches the manifest, and the manifest is signed by the key inside the package. ' +
        'That is not proven to be your force’s key: anyone can sign a package with a key of their own. ' +
        'Run again with --public-key <your force’s published key>, or compare the fingerprint above with the published one.',
    );
    return SELF_CONSISTENT_ONLY;
  }
  out(
    `FAILED: ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'} found. Do not rely on this package.`,
  );
  return FAILED;
}
