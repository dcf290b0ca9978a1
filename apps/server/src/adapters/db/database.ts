import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../../lib/logger.js';
import { migrationProvider } from './migrations/index.js';
import { RefuseNulPlugin } from './refuse-nul.js';
import type { Database } from './schema.js';
import { shareSqliteTurns } from './transaction.js';

export type Db = Kysely<Database>;

// Text with NUL is bad input on both engines (PostgreSQL cannot store it): see refuse-nul.ts.
const plugins = [new RefuseNulPlugin()];

/**
 * Opens the database named by a URL: `sqlite:/path/file.db`, `sqlite::memory:`, or
 * `postgres://user:password@host:port/database` (also `postgresql://`; a socket folder as
 * `?host=/run/postgresql`). `log` hears about PostgreSQL connections that fail while idle.
 */
export function openDatabase(url: string, log?: Logger): Db {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const sqlite = new SqliteDatabase(file);
    // WAL lets the evidence pipeline write while the API reads; FULL sync because
    // a committed evidence record must survive a power cut.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), plugins });
    shareSqliteTurns(db, file === ':memory:' ? file : resolve(file));
    return db;
  }
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({
      connectionString: url,
      types: postgresTypes(),
      application_name: 'sightline',
      // An unreachable database fails a query (and boot) within 10 s instead of hanging.
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
    });
    // An idle connection can fail (the server restarted); the pool drops it and the next query
    // opens a fresh one. Without a listener the 'error' event would end the process.
    pool.on('error', (err) =>
      log?.warn({ err: err.message }, 'database: an idle PostgreSQL connection failed'),
    );
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins });
  }
  throw new Error(
    `unsupported database URL scheme in "${url.split(':')[0]}:": use sqlite:<path> or postgres://…`,
  );
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** The URL with any password replaced, for logs and messages. */
export function describeDatabaseUrl(url: string): string {
  if (!isPostgresUrl(url)) return url;
  return url
    .replace(/^(postgres(?:ql)?:\/\/[^:/@?#]*:)[^@/?#]*@/, '$1•••@')
    .replace(/(password=)[^&#]*/g, '$1•••');
}

// Every count, size and millisecond time is a BIGINT (int8) and a SUM of them is NUMERIC; pg
// hands both over as strings. They are numbers here, as SQLite gives them; one too large for a
// JS number fails the query loudly rather than lose digits silently. The parsers are this
// pool's own, so other users of pg in the process keep the library's defaults.
const INT8 = 20;
const NUMERIC = 1700;

function postgresTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8, (text: string) => {
    const n = Number(text);
    if (!Number.isSafeInteger(n))
      throw new RangeError(`database: integer ${text} is beyond JavaScript's safe range`);
    return n;
  });
  types.setTypeParser(NUMERIC, (text: string) => {
    const n = Number(text);
    if (!Number.isFinite(n) || (Number.isInteger(n) && !Number.isSafeInteger(n)))
      throw new RangeError(`database: number ${text} is beyond JavaScript's safe range`);
    return n;
  });
  return types;
}

/** Brings the schema up to date; throws (and boot stops) if any migration fails. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
