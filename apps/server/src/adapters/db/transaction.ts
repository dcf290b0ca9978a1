import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

/** True when the handle speaks to PostgreSQL (false: SQLite). */
// biome-ignore lint/suspicious/noExplicitAny: works for any schema, migrations included
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

// Handles that are inside a SQLite transaction we began by hand (Kysely does not mark them).
const openSqliteTransactions = new WeakSet<object>();

// better-sqlite3 waits for a busy database synchronously, blocking the event loop: two handles on
// one file in one process (tests that play two instances) would each hold up the other. Their
// transactions take turns here first. Separate processes simply wait on SQLite's lock.
const sqliteTurns = new WeakMap<object, { tail: Promise<unknown> }>();
const sqliteTurnsByFile = new Map<string, { tail: Promise<unknown> }>();

/** Called by openDatabase: transactions of every handle on `file` in this process take turns. */
export function shareSqliteTurns(db: Db, file: string): void {
  let turns = file === ':memory:' ? undefined : sqliteTurnsByFile.get(file);
  if (!turns) {
    turns = { tail: Promise.resolve() };
    if (file !== ':memory:') sqliteTurnsByFile.set(file, turns);
  }
  sqliteTurns.set(db, turns);
}

/** True when `db` is a handle given out by withTransaction (or Kysely's own transaction()). */
export function inTransaction(db: Db): boolean {
  return db.isTransaction || openSqliteTransactions.has(db);
}

/**
 * Runs `fn` in one transaction: its writes commit together or not at all. `fn` must use only
 * the handle it is given: on SQLite that handle holds the one connection until `fn` ends, so a
 * query on the outer `db` would wait for ever. A call inside a transaction joins it.
 *
 * SQLite: `BEGIN IMMEDIATE` takes the database's single write lock at the start, so a read that
 * decides a write cannot be overtaken by another process (a deferred transaction would instead
 * fail with SQLITE_BUSY when it tried to write). PostgreSQL: READ COMMITTED; call
 * `advisoryLock()` first where a read decides the write.
 */
export async function withTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  if (inTransaction(db)) return fn(db);
  const hooks: Array<() => void> = [];
  const tracked = (trx: Db) => {
    commitHooks.set(trx, hooks);
    return fn(trx).finally(() => commitHooks.delete(trx));
  };
  let result: T;
  if (isPostgres(db)) result = await db.transaction().execute(tracked);
  else {
    const turns = sqliteTurns.get(db);
    if (!turns) result = await sqliteTransaction(db, tracked);
    else {
      const run = turns.tail.then(() => sqliteTransaction(db, tracked));
      turns.tail = run.catch(() => {});
      result = await run;
    }
  }
  for (const hook of hooks) hook();
  return result;
}

// Callbacks waiting for the commit of the transaction whose handle withTransaction gave out.
const commitHooks = new WeakMap<object, Array<() => void>>();

/**
 * Runs `hook` once the transaction `trx` belongs to has committed (never after a rollback): for
 * telling another part of the server about rows it could not see before (other connections
 * read only committed rows). At once (next tick) when `trx` is not a withTransaction handle.
 */
export function afterCommit(trx: Db, hook: () => void): void {
  const hooks = commitHooks.get(trx);
  if (hooks) hooks.push(hook);
  else setImmediate(hook);
}

function sqliteTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    openSqliteTransactions.add(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => {});
      throw err;
    } finally {
      openSqliteTransactions.delete(conn);
    }
  });
}

/**
 * Holds a named lock until the transaction ends, so that every server instance sharing the
 * database runs the guarded read-then-write one at a time. PostgreSQL: a transaction-scoped
 * advisory lock. SQLite: nothing more to do, withTransaction already holds the only write lock.
 */
export async function advisoryLock(trx: Db, name: string): Promise<void> {
  if (!inTransaction(trx)) throw new Error(`advisoryLock("${name}") needs a transaction (withTransaction)`);
  if (isPostgres(trx)) await sql`select pg_advisory_xact_lock(hashtextextended(${name}, 0))`.execute(trx);
}
