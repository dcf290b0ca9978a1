import { join } from 'node:path';
import { systemClock } from '../adapters/clock.js';
import { cryptoRandom } from '../adapters/random.js';
import { LocalEvidenceStore } from '../adapters/storage/local-evidence-store.js';
import { silentLogger } from '../lib/logger.js';
import { LocationService } from '../location/location.service.js';
import { DisposalService } from '../retention/disposal.service.js';
import { SessionRepository } from '../sessions/session.repository.js';
import { SessionService } from '../sessions/session.service.js';
import { out, withContext } from './context.js';

export const RETENTION_USAGE = `  sightline retention dry-run | dispose
      dry-run: lists every session whose media the retention policies would dispose of now, why,
      and each file's SHA-256, without deleting anything. dispose: does it (audited), as the
      scheduled job would.`;

/** `sightline retention dry-run|dispose`. */
export async function retentionCommand(verb: string | undefined): Promise<number> {
  if (verb !== 'dry-run' && verb !== 'dispose') return 64;
  return withContext(async ({ config, db, audit }) => {
    const sessions = new SessionService(
      new SessionRepository(db),
      new LocationService(db, systemClock),
      systemClock,
      cryptoRandom,
      audit,
      config.callerSessionMs,
    );
    const disposal = new DisposalService(
      db,
      new LocalEvidenceStore(config.evidenceDir),
      sessions,
      audit,
      systemClock,
      {
        unclassifiedDays: config.retention.unclassifiedDays,
        intervalMs: config.retention.disposalIntervalMs,
        spoolFor: (id) => [join(config.recordingsDir, id), join(config.dataDir, 'device-copy', id)],
      },
      silentLogger,
    );
    const report = await disposal.run({ dryRun: verb === 'dry-run', actor: { type: 'system' } });
    out(
      `${report.dryRun ? 'DRY RUN: would dispose of' : 'Disposed of'} media from ${report.candidates.length} session(s).`,
    );
    for (const c of report.candidates) {
      out(`\n${c.reference ?? '(no reference)'}  session ${c.sessionId}\n  why: ${c.why}`);
      for (const i of c.items) out(`  ${i.sha256}  ${i.size.toString().padStart(10)}  ${i.fileName}`);
    }
    return 0;
  });
}
