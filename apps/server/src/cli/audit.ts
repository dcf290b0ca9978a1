import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { publishedKeyList } from '../adapters/keys/key-ring.js';
import { verifyAuditTrail } from '../audit/audit-verify.js';
import { AuditHeadFile, auditHeadPath } from '../audit/head-file.js';
import { exitWith, out, withContext } from './context.js';

/** `sightline audit verify`. */
export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('The audit trail.')
    .command('verify')
    .description(
      "Check the whole audit trail: every entry's hash, the chain between entries, and the signed " +
        "checkpoints (each with the key it names, from this deployment's key list or the given key file), and the signed head kept " +
        'beside the key, which shows whether the newest entries were removed. ' +
        'Exit 0 when intact, 1 when tampering is found (the first bad entry is named).',
    )
    .option(
      '--public-key <pem>',
      'PEM file of the public key, or the published key list, to check the checkpoints with',
    )
    .action(exitWith((opts: { publicKey?: string }) => auditVerify(opts.publicKey)));
}

async function auditVerify(publicKey: string | undefined): Promise<number> {
  return withContext(async ({ config, db, signer }) => {
    // Every key this deployment has signed with: checkpoints from before a rotation still verify.
    const key = publicKey ? readFileSync(publicKey, 'utf8') : publishedKeyList(signer.ring());
    const headFile = new AuditHeadFile(auditHeadPath(config.keyDir));
    const v = await verifyAuditTrail(db, key, headFile.read());
    if (v.ok) {
      out(
        `INTACT: ${v.entries} audit entries, chain unbroken; ${v.checkpoints} signed checkpoints verified (last at #${v.lastCheckpointSeq ?? '—'}).`,
      );
      if (v.head && 'seq' in v.head)
        out(
          `The signed head kept outside the database (${headFile.path}, ${new Date(v.head.at).toISOString()}) covers #${v.head.seq}: nothing up to there was removed.`,
        );
      else
        out(
          `Note: no signed head at ${headFile.path}; removal of the newest entries cannot be ruled out (the server writes it within seconds of new entries).`,
        );
      const signedUpTo = Math.max(v.lastCheckpointSeq ?? 0, v.head && 'seq' in v.head ? v.head.seq : 0);
      const unsigned = v.entries - signedUpTo;
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
