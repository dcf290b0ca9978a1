import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { systemClock } from '../adapters/clock.js';
import { type Db, isPostgresUrl } from '../adapters/db/database.js';
import type { Database } from '../adapters/db/schema.js';
import { publishedKeyList } from '../adapters/keys/key-ring.js';
import type { SigningKeys } from '../adapters/keys/signer.js';
import { LocalEvidenceStore } from '../adapters/storage/local-evidence-store.js';
import { verifyAuditTrail } from '../audit/audit-verify.js';
import type { Config } from '../config/config.js';
import { LeaseRepository } from '../jobs/lease.repository.js';
import { DISPOSAL_RUN_LEASE } from '../retention/disposal.service.js';
import { BACKUP_FILES, type BackupFile, BackupManifest, hashFile } from './backup-manifest.js';
import { findPgTool, pgDump } from './pg-tools.js';

/** Why a backup or restore was refused, in one line for the operator. */
export class BackupError extends Error {
  override name = 'BackupError';
}

/** The documented procedure for what `sightline backup` does not copy itself. */
export const EXTERNAL_PROCEDURE =
  'back up the bucket with versioning and replication (and PostgreSQL with pgBackRest for point-in-time ' +
  'recovery), as docs/operations.md "Backup and restore" describes';

/** Refuses, before anything is opened, a deployment whose data this command does not copy. */
export function assertBackupSupported(config: Config): void {
  if (config.databaseUrl === 'sqlite::memory:')
    throw new BackupError("this deployment's database is in memory: there is nothing to back up");
  if (config.evidenceStore.kind !== 'local')
    throw new BackupError(`this deployment keeps evidence in a bucket: ${EXTERNAL_PROCEDURE}`);
}

/** A folder that does not exist yet or is empty (anything else could be mixed with or lost). */
export async function assertEmptyFolder(dir: string, what: string, except: string[] = []): Promise<void> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw new BackupError(`cannot use ${what} ${dir}: ${err.message}`);
  });
  const left = names.filter((n) => !except.includes(n));
  if (left.length)
    throw new BackupError(
      `${what} ${dir} is not empty (${left.slice(0, 3).join(', ')}${left.length > 3 ? ', …' : ''}): nothing was written`,
    );
}

const inside = (child: string, parent: string) => {
  const r = relative(resolve(parent), resolve(child));
  return r === '' || (!r.startsWith('..') && !r.startsWith('/'));
};

/**
 * Backs up a running deployment that keeps its evidence in a directory: a snapshot of the
 * database (SQLite's VACUUM INTO, or pg_dump of an exported PostgreSQL snapshot: one moment),
 * then exactly the evidence files that snapshot names, each checked against the SHA-256 its
 * ledger recorded, then a manifest signed with the deployment's key. Evidence stored after the
 * snapshot is not in the backup, and nothing in it names a file it lacks. No disposal runs
 * meanwhile (the backup holds the disposal lease), so no file the snapshot names goes away.
 */
export async function createBackup(o: {
  config: Config;
  db: Db;
  signer: SigningKeys;
  dest: string;
  /** Where to copy the key directory, apart from the backup; omitted: keys are backed up separately. */
  includeKeys?: string | undefined;
  progress: (line: string) => void;
}): Promise<BackupManifest> {
  const { config } = o;
  assertBackupSupported(config);
  const dest = resolve(o.dest);
  if (inside(dest, config.dataDir) || inside(dest, config.keyDir) || inside(dest, config.evidenceDir))
    throw new BackupError(`the backup folder ${dest} is inside the deployment's own folders: choose another`);
  await assertEmptyFolder(dest, 'the backup folder');
  if (o.includeKeys !== undefined) {
    // The key signs the manifest and decides what a restore trusts: it never sits beside the backup.
    if (inside(o.includeKeys, dest) || inside(dest, o.includeKeys))
      throw new BackupError('--include-keys must be a different destination from the backup');
    await assertEmptyFolder(o.includeKeys, 'the key destination');
  }
  await mkdir(join(dest, BACKUP_FILES.evidence), { recursive: true, mode: 0o700 });

  const leases = new LeaseRepository(o.db, systemClock);
  const done = await leases.exclusive(DISPOSAL_RUN_LEASE, `backup/${randomUUID()}`, 120_000, () =>
    copyAll({ ...o, dest }),
  );
  if (!done.ran)
    throw new BackupError('a retention disposal run is in progress; try again when it has finished');
  if (o.includeKeys !== undefined) {
    await copyKeyFolder(config.keyDir, resolve(o.includeKeys));
    o.progress(`keys copied to ${resolve(o.includeKeys)} (keep them apart from the backup)`);
  }
  return done.value;
}

/**
 * The whole key folder (the ring in `public-keys/` too) into a temp folder beside `dest`, then
 * renamed into place: an interrupted copy never leaves a half key folder where a restore looks.
 */
async function copyKeyFolder(keyDir: string, dest: string): Promise<void> {
  const tmp = `${dest}.${randomUUID()}.tmp`;
  await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
  try {
    await cp(keyDir, tmp, { recursive: true, filter: (from) => !from.endsWith('.tmp') });
    await chmod(tmp, 0o700);
    await rm(dest, { recursive: true, force: true }); // checked empty before the backup began
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw new BackupError(
      `the backup is complete, but its keys were not copied to ${dest}: ${(err as Error).message}`,
    );
  }
}

interface CopyOptions {
  config: Config;
  db: Db;
  signer: SigningKeys;
  dest: string;
  progress: (line: string) => void;
}

/** The database as one moment, then what that moment names. */
function copyAll(o: CopyOptions): Promise<BackupManifest> {
  return isPostgresUrl(o.config.databaseUrl) ? copyPostgres(o) : copySqlite(o);
}

/** VACUUM INTO writes the whole database inside one read transaction; the copy is then read. */
async function copySqlite(o: CopyOptions): Promise<BackupManifest> {
  const file = join(o.dest, BACKUP_FILES.database);
  const createdAt = Date.now();
  await sql`VACUUM INTO ${file}`.execute(o.db);
  await chmod(file, 0o600);
  return withSqliteFile(file, async (snap) => {
    const body = await readSnapshot(snap, o);
    await copyFiles(body.files, o);
    return sign(o, {
      ...body,
      createdAt,
      database: { engine: 'sqlite', file: BACKUP_FILES.database, ...(await hashFile(file)) },
    });
  });
}

/** Runs `use` on an SQLite database file opened read-only (a backup's snapshot). */
export async function withSqliteFile<T>(file: string, use: (snap: Db) => Promise<T>): Promise<T> {
  const raw = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  const snap = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  try {
    return await use(snap);
  } finally {
    await snap.destroy();
  }
}

/**
 * A repeatable-read transaction exports its snapshot; pg_dump dumps exactly that snapshot, and
 * the evidence list and audit head are read in the same transaction, so all three are one moment.
 * The files are copied after it commits: a long copy holds no transaction open (which would keep
 * PostgreSQL from vacuuming), and the disposal lease still keeps every file the list names.
 */
async function copyPostgres(o: CopyOptions): Promise<BackupManifest> {
  const pgDumpPath = findPgTool('pg_dump');
  if (!pgDumpPath)
    throw new BackupError(
      `pg_dump is not installed (Debian: postgresql-client): install it, or ${EXTERNAL_PROCEDURE}`,
    );
  const file = join(o.dest, BACKUP_FILES.pgDump);
  const createdAt = Date.now();
  const body = await o.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const { rows } = await sql<{ id: string }>`SELECT pg_export_snapshot() AS id`.execute(trx);
      try {
        await pgDump(pgDumpPath, o.config.databaseUrl, rows[0]!.id, file);
        await chmod(file, 0o600);
      } catch (err) {
        throw new BackupError(`${(err as Error).message}: backup stopped, nothing signed`);
      }
      return readSnapshot(trx, o);
    });
  await copyFiles(body.files, o);
  return sign(o, {
    ...body,
    createdAt,
    database: { engine: 'postgres', file: BACKUP_FILES.pgDump, ...(await hashFile(file)) },
  });
}

/** The files `snap` names, its audit trail and counts: the manifest's body. */
async function readSnapshot(snap: Db, o: CopyOptions) {
  const files = await filesNamedIn(snap);
  // Every key the deployment has signed with: checkpoints from before a rotation name an older one.
  const audit = await verifyAuditTrail(snap, publishedKeyList(o.signer.ring()));
  if (!audit.ok)
    o.progress(
      `warning: the audit trail in the snapshot is not intact (${audit.firstBad?.message}); backing it up as it is`,
    );
  const last = await snap
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const sessions = await snap
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    audit: {
      entries: audit.entries,
      head: last ? { seq: Number(last.seq), hash: last.hash } : null,
      lastCheckpointSeq: audit.lastCheckpointSeq,
    },
    counts: {
      sessions: Number(sessions.n),
      evidenceItems: files.filter((f) => f.kind === 'evidence').length,
      exportPackages: files.filter((f) => f.kind === 'export').length,
    },
    files,
  };
}

/** Copies the named files into the backup, each checked against the SHA-256 its ledger recorded. */
async function copyFiles(files: BackupFile[], o: CopyOptions): Promise<void> {
  const target = new LocalEvidenceStore(join(o.dest, BACKUP_FILES.evidence));
  for (const f of files) {
    if (!existsSync(join(o.config.evidenceDir, f.key)))
      throw new BackupError(
        `evidence ${f.key} is named in the database but missing from ${o.config.evidenceDir}: backup stopped, nothing signed`,
      );
    const copied = await target.putFile(f.key, join(o.config.evidenceDir, f.key));
    if (copied.sha256 !== f.sha256)
      throw new BackupError(
        `evidence ${f.key} does not match the SHA-256 its ledger recorded (${f.sha256}, read ${copied.sha256}): the store is damaged; backup stopped, nothing signed`,
      );
  }
  o.progress(`${files.length} evidence files copied and checked`);
}

/** Writes the manifest, then its signature: a folder without both is an incomplete backup. */
async function sign(
  o: CopyOptions,
  body: Omit<BackupManifest, 'format' | 'version' | 'key'>,
): Promise<BackupManifest> {
  // One key for the whole manifest, even if `keys rotate` runs meanwhile.
  const key = o.signer.current();
  const manifest = BackupManifest.parse({
    format: 'sightline-backup',
    version: 1,
    ...body,
    key: { fingerprint: key.fingerprint, publicKeyPem: key.publicKeyPem },
  });
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  await writeFile(join(o.dest, BACKUP_FILES.manifest), text, { mode: 0o600, flag: 'wx' });
  await writeFile(join(o.dest, BACKUP_FILES.signature), `${key.sign(text)}\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  return manifest;
}

/** Every store object the snapshot names and still keeps: evidence items and finished export packages. */
async function filesNamedIn(snap: Db): Promise<BackupFile[]> {
  const items = await snap
    .selectFrom('evidence_items')
    .select(['storage_key', 'sha256', 'size'])
    .where('disposed_at', 'is', null)
    .orderBy('storage_key')
    .execute();
  const exports = await snap
    .selectFrom('jobs')
    .select('result')
    .where('type', '=', 'export')
    .where('state', '=', 'done')
    .execute();
  const files: BackupFile[] = items.map((i) => ({
    key: i.storage_key,
    sha256: i.sha256,
    size: Number(i.size),
    kind: 'evidence',
  }));
  for (const j of exports) {
    if (!j.result) continue;
    const r = JSON.parse(j.result) as { key: string; sha256: string; size?: number };
    files.push({ key: r.key, sha256: r.sha256, size: r.size ?? 0, kind: 'export' });
  }
  return files;
}
