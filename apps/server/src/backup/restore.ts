import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { systemClock } from '../adapters/clock.js';
import { type Db, describeDatabaseUrl, openDatabase } from '../adapters/db/database.js';
import { keysInFolder, verifyWithKeys } from '../adapters/keys/key-ring.js';
import { loadOrCreateSigner } from '../adapters/keys/signer.js';
import { cryptoRandom } from '../adapters/random.js';
import { assertSafeKey } from '../adapters/storage/evidence-store.js';
import { LocalEvidenceStore } from '../adapters/storage/local-evidence-store.js';
import { AuditService, SYSTEM } from '../audit/audit.service.js';
import { checkpointMessage } from '../audit/audit-chain.js';
import { verifyAuditTrail } from '../audit/audit-verify.js';
import { AuditHeadFile, auditHeadPath } from '../audit/head-file.js';
import { assertEmptyFolder, BackupError, withSqliteFile } from './backup.js';
import { BACKUP_FILES, BackupManifest, hashFile } from './backup-manifest.js';
import { findPgTool, pgRestore } from './pg-tools.js';

/** What a restore did, for the operator. */
export interface RestoreReport {
  manifest: BackupManifest;
  /** Where the signed head that was in the key directory was moved, if there was one. */
  replacedHead: string | null;
}

/**
 * Restores a backup into a new data directory. Everything is checked before anything is
 * written: the manifest's signature against the deployment's key in `keyDir`, the database
 * snapshot's and every evidence file's SHA-256 against the manifest. Then the database and the
 * files are copied (the files write-once and read-only, as the store keeps them), and the
 * signed audit head in `keyDir` is set to the backup's newest entry: the restored trail is
 * older than the head the running system had signed, which `audit verify` would rightly call
 * truncation, so the old head is moved aside (kept as the record of what was rolled back) and
 * the restore itself is the next audit entry.
 */
export async function restoreBackup(o: {
  src: string;
  dataDir: string;
  keyDir: string;
  /** PostgreSQL backups: a new, empty database to restore into. */
  databaseUrl?: string | undefined;
  progress: (line: string) => void;
}): Promise<RestoreReport> {
  const src = resolve(o.src);
  const dataDir = resolve(o.dataDir);
  const keyDir = resolve(o.keyDir);
  const manifest = await verifiedManifest(src, keyDir);
  const postgres = manifest.database.engine === 'postgres';
  if (postgres && !o.databaseUrl)
    throw new BackupError(
      'this is a backup of a PostgreSQL database: give --database-url of a new, empty database',
    );
  if (!postgres && o.databaseUrl)
    throw new BackupError(
      'this is a backup of an SQLite database: it is restored into <data-dir>/sightline.db; leave out --database-url',
    );
  // The key directory may already sit in the new data directory (restored there first).
  await assertEmptyFolder(dataDir, 'the data directory', keyDir === join(dataDir, 'keys') ? ['keys'] : []);
  await checkFiles(src, manifest);
  o.progress(
    `backup of ${new Date(manifest.createdAt).toISOString()} verified: database and ${manifest.files.length} files`,
  );

  const pgRestorePath = postgres ? await emptyPostgres(o.databaseUrl!) : null;
  // SQLite: the snapshot's trail is checked where it lies, before anything is written.
  if (!postgres)
    await withSqliteFile(join(src, BACKUP_FILES.database), (snap) => assertTrailIntact(snap, keyDir));

  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  let databaseUrl: string;
  if (pgRestorePath) {
    databaseUrl = o.databaseUrl!;
    try {
      await pgRestore(pgRestorePath, databaseUrl, join(src, manifest.database.file));
    } catch (err) {
      throw new BackupError(
        `${(err as Error).message}: restore stopped (pg_restore ran in one transaction: the database is as it was)`,
      );
    }
    // PostgreSQL's dump is only readable once restored: checked before any file is written, and
    // the database emptied again if the trail is not intact.
    const restored = openDatabase(databaseUrl);
    try {
      await assertTrailIntact(restored, keyDir);
    } catch (err) {
      await dropAllTables(restored);
      throw err;
    } finally {
      await restored.destroy();
    }
  } else {
    const dbFile = join(dataDir, BACKUP_FILES.database);
    databaseUrl = `sqlite:${dbFile}`;
    await copyFile(join(src, BACKUP_FILES.database), dbFile);
    if ((await hashFile(dbFile)).sha256 !== manifest.database.sha256)
      throw new BackupError(
        'the database changed while it was copied: restore stopped; empty the data directory and try again',
      );
  }
  // The store never makes its own root (a root that is gone is a volume not mounted): restore does.
  await mkdir(join(dataDir, 'evidence'), { recursive: true, mode: 0o700 });
  const store = new LocalEvidenceStore(join(dataDir, 'evidence'));
  for (const f of manifest.files) {
    const put = await store.putFile(f.key, join(src, BACKUP_FILES.evidence, f.key));
    if (put.sha256 !== f.sha256)
      throw new BackupError(
        `${f.key} changed while it was copied: restore stopped; empty the data directory and try again`,
      );
  }

  const db = openDatabase(databaseUrl);
  try {
    const signer = loadOrCreateSigner(keyDir);
    const headFile = new AuditHeadFile(auditHeadPath(keyDir));
    let replacedHead: string | null = null;
    if (existsSync(headFile.path)) {
      replacedHead = `${headFile.path.replace(/\.json$/, '')}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
      await rename(headFile.path, replacedHead);
    }
    if (manifest.audit.head) {
      const { seq, hash } = manifest.audit.head;
      const at = Date.now();
      headFile.write({
        seq,
        hash,
        at,
        keyFingerprint: signer.fingerprint,
        signature: signer.sign(checkpointMessage(seq, hash, at)),
      });
    }
    await new AuditService(db, systemClock, cryptoRandom, signer).record({
      actor: SYSTEM,
      action: 'backup.restore',
      detail: {
        backupCreatedAt: manifest.createdAt,
        manifestSha256: createHash('sha256')
          .update(await readFile(join(src, BACKUP_FILES.manifest)))
          .digest('hex'),
        auditHeadSeq: manifest.audit.head?.seq ?? null,
        replacedHead,
      },
    });
    return { manifest, replacedHead };
  } finally {
    await db.destroy();
  }
}

/** Refuses a snapshot whose audit trail does not verify with the key folder's keys (the whole ring). */
async function assertTrailIntact(snap: Db, keyDir: string): Promise<void> {
  const keys = [...keysInFolder(keyDir).values()].join('\n');
  const trail = await verifyAuditTrail(snap, keys);
  if (!trail.ok)
    throw new BackupError(
      `the backup's audit trail is not intact: ${trail.firstBad?.message}; nothing was written`,
    );
}

/** Leaves a database that pg_restore filled as empty as it was found. */
async function dropAllTables(db: Db): Promise<void> {
  for (const t of await db.introspection.getTables({ withInternalKyselyTables: true }))
    await db.schema.dropTable(t.name).ifExists().cascade().execute();
}

/** pg_restore's path, once the target database is known to exist and to hold no tables. */
async function emptyPostgres(url: string): Promise<string> {
  const path = findPgTool('pg_restore');
  if (!path)
    throw new BackupError('pg_restore is not installed (Debian: postgresql-client): install it first');
  const db = openDatabase(url);
  try {
    const tables = await db.introspection.getTables().catch((err: Error) => {
      throw new BackupError(`cannot use the database ${describeDatabaseUrl(url)}: ${err.message}`);
    });
    if (tables.length)
      throw new BackupError(
        `the database ${describeDatabaseUrl(url)} is not empty (${tables.length} tables): nothing was written`,
      );
  } finally {
    await db.destroy();
  }
  return path;
}

/** The manifest, once its signature verifies with the deployment's own key. */
async function verifiedManifest(src: string, keyDir: string): Promise<BackupManifest> {
  const pubPath = join(keyDir, 'signing-key.pub.pem');
  // Without the private key the restored server would make a new one: checkpoints would not verify.
  if (!existsSync(join(keyDir, 'signing-key.pem')) || !existsSync(pubPath))
    throw new BackupError(
      `no signing key in ${keyDir}: restore the deployment's key directory there first (the copy made with --include-keys, or your separate key backup)`,
    );
  let text: string;
  let signature: string;
  try {
    text = await readFile(join(src, BACKUP_FILES.manifest), 'utf8');
    signature = (await readFile(join(src, BACKUP_FILES.signature), 'utf8')).trim();
  } catch (err) {
    throw new BackupError(`${src} is not a complete Sightline backup: ${(err as Error).message}`);
  }
  // The fingerprint it names only picks which of our own keys to check with; a backup made
  // before a rotation names a key now retired, which the ring still holds.
  let named: unknown;
  try {
    named = (JSON.parse(text) as { key?: { fingerprint?: unknown } }).key?.fingerprint;
  } catch {
    throw new BackupError(`${src} is not a complete Sightline backup: its manifest is not JSON`);
  }
  const keys = keysInFolder(keyDir);
  const verdict = verifyWithKeys(keys, typeof named === 'string' ? named : null, text, signature);
  if (!verdict.ok)
    throw new BackupError(
      `the backup's manifest signature does not verify with the key in ${keyDir} (nor any older one in its key list): the backup was changed, or made by another deployment`,
    );
  const parsed = BackupManifest.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new BackupError(`the backup's manifest is not one this version reads: ${parsed.error.message}`);
  for (const f of parsed.data.files) assertSafeKey(f.key);
  return parsed.data;
}

/** Every file's hash and size against the manifest, all of them, before anything is written. */
async function checkFiles(src: string, m: BackupManifest): Promise<void> {
  const problems: string[] = [];
  const check = async (path: string, name: string, want: { sha256: string; size: number }) => {
    try {
      const got = await hashFile(path);
      if (got.sha256 !== want.sha256 || got.size !== want.size)
        problems.push(
          `${name}: SHA-256 ${got.sha256} (${got.size} bytes), the manifest says ${want.sha256} (${want.size} bytes)`,
        );
    } catch (err) {
      problems.push(
        `${name}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message}`,
      );
    }
  };
  await check(join(src, m.database.file), m.database.file, m.database);
  for (const f of m.files) await check(join(src, BACKUP_FILES.evidence, f.key), f.key, f);
  if (problems.length)
    throw new BackupError(
      `the backup does not match its signed manifest, nothing was written:\n  ${problems.slice(0, 20).join('\n  ')}`,
    );
}
