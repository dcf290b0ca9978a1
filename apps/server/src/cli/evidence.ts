import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
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
        'SHA-256, the manifest signature, the seal chains and the masters against their seals. ' +
        'Exit 0 when VERIFIED, 1 when FAILED.',
    )
    .argument('<package.zip>', 'the export package')
    .option(
      '--public-key <pem>',
      "PEM file of your force's public key (else the key inside the package is used)",
    )
    .action(exitWith((zip: string, opts: { publicKey?: string }) => evidenceVerify(zip, opts.publicKey)));
}

async function evidenceVerify(zip: string, publicKey: string | undefined): Promise<number> {
  const key = publicKey ? readFileSync(publicKey, 'utf8') : null;
  const v = await verifyPackage(zip, key);
  for (const c of v.checks) out(`  ok    ${c}`);
  for (const p of v.problems) out(`  FAIL  ${p}`);
  if (v.ok) {
    out(
      `VERIFIED: every file is exactly as exported and signed${v.keySource === 'embedded' ? ' (with the key inside the package; pass --public-key to check it is your force’s)' : ''}.`,
    );
    return 0;
  }
  out(
    `FAILED: ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'} found. Do not rely on this package.`,
  );
  return 1;
}
