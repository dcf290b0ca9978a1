import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { assertBackupSupported, BackupError, createBackup } from '../backup/backup.js';
import { restoreBackup } from '../backup/restore.js';
import { loadConfig } from '../config/config.js';
import { exitWith, out, withContext } from './context.js';

/** Exit code when a backup or restore is refused (the reason is printed); 2 is left to errors. */
const REFUSED = 1;

/** `sightline backup <dest>` and `sightline restore <src> --data-dir <fresh>`. */
export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description(
      'Back up this deployment while it runs (SQLite, or PostgreSQL with pg_dump; an evidence directory): ' +
        'a one-moment database snapshot, the evidence files it names (each checked against its recorded ' +
        'SHA-256) and a manifest signed with the deployment key. The keys are not in the backup. Evidence in ' +
        'a bucket: refused, naming the documented procedure. Exit 0 when done, 1 when refused.',
    )
    .argument('<dest>', 'a new or empty folder for the backup')
    .option('--include-keys <dir>', 'also copy the key directory to this different, new or empty folder')
    .action(exitWith((dest: string, opts: { includeKeys?: string }) => backup(dest, opts.includeKeys)));
  program
    .command('restore')
    .description(
      'Restore a backup into a new data directory, after checking the manifest signature with the ' +
        "deployment's key and every file's SHA-256; nothing is written if any check fails. Sets the signed " +
        'audit head in the key directory to the backup (the old one is moved aside) and audits the restore. ' +
        'Exit 0 when restored, 1 when refused.',
    )
    .argument('<src>', 'the backup folder')
    .requiredOption('--data-dir <dir>', 'the new data directory (must be empty, or hold only keys/)')
    .option('--key-dir <dir>', "the deployment's key directory, restored first (default: <data-dir>/keys)")
    .option('--database-url <url>', 'a backup of PostgreSQL: the new, empty database to restore it into')
    .action(
      exitWith((src: string, opts: { dataDir: string; keyDir?: string; databaseUrl?: string }) =>
        restore(src, opts.dataDir, opts.keyDir ?? join(opts.dataDir, 'keys'), opts.databaseUrl),
      ),
    );
}

const progress = (line: string) => process.stderr.write(`sightline: ${line}\n`);

/** A refusal is the answer, not a crash: one line, exit 1. */
async function refusing(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof BackupError)) throw err;
    out(`REFUSED: ${err.message}`);
    return REFUSED;
  }
}

function backup(dest: string, includeKeys: string | undefined): Promise<number> {
  return refusing(() => {
    // Evidence in a bucket: refused at once, without connecting to it.
    assertBackupSupported(loadConfig());
    return withContext(async ({ config, db, signer }) => {
      const m = await createBackup({ config, db, signer, dest, includeKeys, progress });
      out(
        `BACKED UP to ${resolve(dest)}: ${m.counts.sessions} sessions, ${m.counts.evidenceItems} evidence items and ` +
          `${m.counts.exportPackages} export packages (SHA-256 checked), ${m.audit.entries} audit entries ` +
          `(head #${m.audit.head?.seq ?? 0}); manifest signed by ${m.key.fingerprint}.`,
      );
      if (!includeKeys)
        out(
          `The keys (${config.keyDir}) are not in the backup: back them up separately; a restore needs them.`,
        );
      return 0;
    });
  });
}

function restore(src: string, dataDir: string, keyDir: string, databaseUrl: string | undefined) {
  return refusing(async () => {
    const r = await restoreBackup({ src, dataDir, keyDir, databaseUrl, progress });
    out(
      `RESTORED into ${resolve(dataDir)}: the backup of ${new Date(r.manifest.createdAt).toISOString()}, ` +
        `${r.manifest.files.length} files verified, audit head #${r.manifest.audit.head?.seq ?? 0} signed in ${resolve(keyDir)}.`,
    );
    if (r.replacedHead)
      out(
        `The signed head that was there is kept at ${r.replacedHead}: it records what the restore rolled back.`,
      );
    out(
      `Start the server with SIGHTLINE_DATA_DIR=${resolve(dataDir)}${databaseUrl ? ' and SIGHTLINE_DATABASE_URL set to that database' : ''} (and SIGHTLINE_KEY_DIR=${resolve(keyDir)}).`,
    );
    return 0;
  });
}
