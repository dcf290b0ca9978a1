import { join } from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '../adapters/clock.js';
import { loadOrCreatePhoneHasher } from '../adapters/keys/phone-hasher.js';
import { cryptoRandom } from '../adapters/random.js';
import { openEvidenceStore } from '../adapters/storage/open-evidence-store.js';
import { EvidenceRepository } from '../evidence/evidence.repository.js';
import { LeaseRepository } from '../jobs/lease.repository.js';
import { silentLogger } from '../lib/logger.js';
import { LocationService } from '../location/location.service.js';
import { DisposalService } from '../retention/disposal.service.js';
import { SessionRepository } from '../sessions/session.repository.js';
import { SessionService } from '../sessions/session.service.js';
import { exitWith, out, withContext } from './context.js';

/** Exit code of `retention dispose` without `--yes`: it showed what it would do and did nothing. */
export const NOT_CONFIRMED = 1;

/** `sightline retention dry-run|dispose`. */
export function registerRetention(program: Command): void {
  const retention = program.command('retention').description('Retention and disposal of media.');
  retention
    .command('dry-run')
    .description(
      'List every session whose media the retention policies would dispose of now, why, and each ' +
        "file's SHA-256, without deleting anything.",
    )
    .action(exitWith(() => retentionRun('dry-run')));
  retention
    .command('dispose')
    .description(
      'Dispose of that media (audited), as the scheduled job would. Without --yes it only lists what ' +
        'it would dispose of, deletes nothing and exits 1.',
    )
    .option('--yes', 'confirm: really delete the media listed by dry-run', false)
    .action(exitWith((opts: { yes: boolean }) => retentionRun(opts.yes ? 'dispose' : 'unconfirmed')));
}

/** `unconfirmed` is `dispose` without `--yes`: a dry run that then says nothing was disposed, and why. */
async function retentionRun(mode: 'dry-run' | 'unconfirmed' | 'dispose'): Promise<number> {
  return withContext(async ({ config, db, audit, events }) => {
    const sessions = new SessionService(
      new SessionRepository(db),
      new LocationService(db, systemClock, events),
      systemClock,
      cryptoRandom,
      audit,
      config.callerSessionMs,
      events,
    );
    const disposal = new DisposalService(
      db,
      // The store the server uses (directory or bucket): the CLI must dispose of the same objects.
      await openEvidenceStore(config, systemClock, () => new EvidenceRepository(db).holdsAny()),
      sessions,
      audit,
      systemClock,
      // The same lease as the servers': a CLI run never overlaps a server's run.
      new LeaseRepository(db, systemClock),
      {
        instanceId: config.instanceId,
        unclassifiedDays: config.retention.unclassifiedDays,
        intervalMs: config.retention.disposalIntervalMs,
        spoolFor: (id) => [join(config.recordingsDir, id), join(config.dataDir, 'device-copy', id)],
        hashPhone: loadOrCreatePhoneHasher(config.keyDir),
      },
      silentLogger,
    );
    const report = await disposal.run({ dryRun: mode !== 'dispose', actor: { type: 'system' } });
    out(
      `${report.dryRun ? 'DRY RUN: would dispose of' : 'Disposed of'} media from ${report.candidates.length} session(s).`,
    );
    for (const c of report.candidates) {
      out(`\n${c.reference ?? '(no reference)'}  session ${c.sessionId}\n  why: ${c.why}`);
      for (const i of c.items) out(`  ${i.sha256}  ${i.size.toString().padStart(10)}  ${i.fileName}`);
    }
    // Impossible dates, and media the evidence store still locks (S3 Object Lock): kept, and why.
    for (const r of report.refused)
      out(`\nREFUSED ${r.reference ?? '(no reference)'}  session ${r.sessionId}\n  why: ${r.why}`);
    if (mode !== 'unconfirmed') return 0;
    process.stderr.write(
      `Nothing was disposed: "retention dispose" needs --yes. Run it again with --yes to delete the media of these ${report.candidates.length} session(s).\n`,
    );
    return NOT_CONFIRMED;
  });
}
