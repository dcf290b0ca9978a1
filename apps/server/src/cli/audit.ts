import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { verifyAuditTrail } from '../audit/audit-verify.js';
import { exitWith, out, withContext } from './context.js';

/** `sightline audit verify`. */
export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('The audit trail.')
    .command('verify')
    .description(
      "Check the whole audit trail: every entry's hash, the chain between entries, and the signed " +
        "checkpoints (with this deployment's key, or the given public key). " +
        'Exit 0 when intact, 1 when tampering is found (the first bad entry is named).',
    )
    .option('--public-key <pem>', 'PEM file of the public key to check the checkpoints with')
    .action(exitWith((opts: { publicKey?: string }) => auditVerify(opts.publicKey)));
}

async function auditVerify(publicKey: string | undefined): Promise<number> {
  return withContext(async ({ db, signer }) => {
    const key = publicKey ? readFileSync(publicKey, 'utf8') : signer.publicKeyPem;
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
