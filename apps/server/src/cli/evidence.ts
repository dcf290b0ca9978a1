import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyPackage } from '../evidence/export/verify-package.js';
import { out } from './context.js';

export const EVIDENCE_USAGE = `  sightline evidence verify <package.zip> [--public-key <pem>]
      Checks an export package on its own (no server, no database, no network): every file's
      SHA-256, the manifest signature, the seal chains and the masters against their seals.
      Exit 0 when VERIFIED, 1 when FAILED.`;

/** `sightline evidence verify`: deliberately reads no configuration and opens no database. */
export async function evidenceCommand(verb: string | undefined, args: string[]): Promise<number> {
  if (verb !== 'verify') return 64;
  const { values, positionals } = parseArgs({
    args,
    options: { 'public-key': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const zip = positionals[0];
  if (!zip) return 64;
  const key = values['public-key'] ? readFileSync(values['public-key'], 'utf8') : null;
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
