import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyAuditTrail } from '../audit/audit-verify.js';
import { out, withContext } from './context.js';

export const AUDIT_USAGE = `  sightline audit verify [--public-key <pem>]
      Checks the whole audit trail: every entry's hash, the chain between entries, and the
      signed checkpoints (with this deployment's key, or the given public key).
      Exit 0 when intact, 1 when tampering is found (the first bad entry is named).`;

/** `sightline audit verify`. */
export async function auditCommand(verb: string | undefined, args: string[]): Promise<number> {
  if (verb !== 'verify') return 64;
  const { values } = parseArgs({ args, options: { 'public-key': { type: 'string' } }, strict: true });
  return withContext(async ({ db, signer }) => {
    const key = values['public-key'] ? readFileSync(values['public-key'], 'utf8') : signer.publicKeyPem;
    const v = await verifyAuditTrail(db, key);
    if (v.ok) {
      out(
        `INTACT: ${v.entries} audit entries, chain unbroken; ${v.checkpoints} signed checkpoints verified (last at #${v.lastCheckpointSeq ?? '—'}).`,
      );
      const unsigned = v.entries - (v.lastCheckpointSeq ?? 0);
      if (unsigned > 0)
        out(`Note: the last ${unsigned} entries are chained but not yet covered by a signed checkpoint.`);
      return 0;
    }
    out(
      `TAMPERED: first bad entry #${v.firstBad!.seq}${v.firstBad!.id ? ` (${v.firstBad!.id})` : ''}: ${v.firstBad!.message}`,
    );
    for (const p of v.problems.slice(1)) out(`  also: #${p.seq}: ${p.message}`);
    return 1;
  });
}
