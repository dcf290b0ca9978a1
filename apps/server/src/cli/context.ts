import { existsSync } from 'node:fs';
import { systemClock } from '../adapters/clock.js';
import {
  type Db,
  describeDatabaseUrl,
  isPostgresUrl,
  migrateToLatest,
  openDatabase,
} from '../adapters/db/database.js';
import { loadOrCreateSigner, type SigningKeys } from '../adapters/keys/signer.js';
import { cryptoRandom } from '../adapters/random.js';
import { AuditService } from '../audit/audit.service.js';
import { type Config, loadConfig } from '../config/config.js';
import { EventBus } from '../events/event-bus.js';
import { silentLogger } from '../lib/logger.js';

export interface CliContext {
  config: Config;
  db: Db;
  signer: SigningKeys;
  audit: AuditService;
  /**
   * Events of what a command does go nowhere: the CLI does not join the servers' bus. A running
   * server notices account changes by its 15 s sweep of open consoles.
   */
  events: EventBus;
}

/** A refusal the CLI explains in one line (no stack trace) before exiting non-zero. */
export class CliError extends Error {
  override name = 'CliError';
}

export interface ContextOptions {
  /** Only `user add --create-database` sets this: every other command refuses to start a new, empty database. */
  createDatabase?: boolean;
}

/** The SQLite file a database URL points at, or null when there is no file to check (in-memory). */
function sqliteFile(url: string): string | null {
  if (!url.startsWith('sqlite:')) return null;
  const file = url.slice('sqlite:'.length);
  return file === ':memory:' ? null : file;
}

/**
 * Opens what a server-side command needs (same SIGHTLINE_* settings as the server), runs it, closes.
 * It says on stderr which data directory and database it uses, and refuses when the database does
 * not exist: run from the wrong folder, it would otherwise create an empty one and report "no users",
 * "nothing to dispose" or an intact empty audit trail about the wrong deployment.
 */
export async function withContext<T>(
  run: (ctx: CliContext) => Promise<T>,
  options: ContextOptions = {},
): Promise<T> {
  const config = loadConfig();
  const file = sqliteFile(config.databaseUrl);
  process.stderr.write(
    `sightline: data directory ${config.dataDir}, database ${file ?? describeDatabaseUrl(config.databaseUrl)}\n`,
  );
  if (file && !existsSync(file) && !options.createDatabase)
    throw new CliError(
      `no Sightline database at ${file} (data directory ${config.dataDir}). Run the command where the server ` +
        'runs, or set SIGHTLINE_DATA_DIR (or SIGHTLINE_DATABASE_URL) to its data directory. Nothing was created. ' +
        'To start a new deployment, start the server once or create the first account with ' +
        '"sightline user add --create-database …".',
    );
  const db = openDatabase(config.databaseUrl);
  try {
    if (isPostgresUrl(config.databaseUrl) && !options.createDatabase)
      await requireSchema(db, config.databaseUrl);
    await migrateToLatest(db);
    const signer = loadOrCreateSigner(config.keyDir);
    return await run({
      config,
      db,
      signer,
      audit: new AuditService(db, systemClock, cryptoRandom, signer),
      events: new EventBus('cli', silentLogger),
    });
  } finally {
    await db.destroy();
  }
}

/**
 * PostgreSQL's counterpart of the missing-file check: the database must exist and hold Sightline's
 * schema, or the command refuses rather than fill an empty (wrong) database with one.
 */
async function requireSchema(db: Db, url: string): Promise<void> {
  const where = describeDatabaseUrl(url);
  let tables: string[];
  try {
    tables = (await db.introspection.getTables()).map((t) => t.name);
  } catch (err) {
    throw new CliError(`cannot use the database ${where}: ${(err as Error).message}. Nothing was changed.`);
  }
  if (!tables.includes('audit_events'))
    throw new CliError(
      `no Sightline schema in the database ${where}. Check SIGHTLINE_DATABASE_URL. Nothing was created. ` +
        'To start a new deployment, start the server once or create the first account with ' +
        '"sightline user add --create-database …".',
    );
}

/** Wraps a command's body for commander: the number it resolves to becomes the exit code. */
export function exitWith<A extends unknown[]>(
  body: (...args: A) => Promise<number>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    process.exitCode = await body(...args);
  };
}

export const out = (line = '') => process.stdout.write(`${line}\n`);
