import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from './database.js';
import { advisoryLock, afterCommit, withTransaction } from './transaction.js';

// SQLite here; the integration tier runs the same helper against PostgreSQL (transaction.int.test.ts).
describe('withTransaction (SQLite)', () => {
  let db: Db;
  const officer = (id: string) => ({
    id,
    username: id,
    display_name: id,
    password_hash: 'x',
    roles: '[]',
    created_at: 1,
  });
  const ids = async () =>
    (await db.selectFrom('officers').select('id').orderBy('id').execute()).map((r) => r.id);

  beforeEach(async () => {
    db = openDatabase('sqlite::memory:');
    await migrateToLatest(db);
  });
  afterEach(() => db.destroy());

  it('commits every write together', async () => {
    await withTransaction(db, async (trx) => {
      await trx.insertInto('officers').values(officer('a')).execute();
      await trx.insertInto('officers').values(officer('b')).execute();
    });
    expect(await ids()).toEqual(['a', 'b']);
  });

  it('keeps none of the writes when the function throws, and rethrows', async () => {
    await expect(
      withTransaction(db, async (trx) => {
        await trx.insertInto('officers').values(officer('a')).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await ids()).toEqual([]);
  });

  it('runs after-commit hooks once the outermost transaction commits, and never after a rollback', async () => {
    const seen: string[][] = [];
    const look = () => void ids().then((r) => seen.push(r));
    await withTransaction(db, async (trx) => {
      await trx.insertInto('officers').values(officer('a')).execute();
      await withTransaction(trx, async (inner) => afterCommit(inner, look));
      expect(seen).toEqual([]); // not while the transaction is open
    });
    await expect.poll(() => seen).toEqual([['a']]);
    await expect(
      withTransaction(db, async (trx) => {
        await trx.insertInto('officers').values(officer('b')).execute();
        afterCommit(trx, look);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([['a']]);
  });

  it('a nested call joins the outer transaction', async () => {
    await expect(
      withTransaction(db, async (trx) => {
        await withTransaction(trx, (inner) => inner.insertInto('officers').values(officer('a')).execute());
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    expect(await ids()).toEqual([]);
  });

  it('a query made meanwhile waits, so it never sees writes that are then rolled back', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const tx = withTransaction(db, async (trx) => {
      await trx.insertInto('officers').values(officer('a')).execute();
      await held;
      throw new Error('rolled back');
    });
    const read = ids();
    await new Promise((r) => setTimeout(r, 20));
    release();
    await expect(tx).rejects.toThrow('rolled back');
    expect(await read).toEqual([]);
  });

  it('advisoryLock refuses to run outside a transaction', async () => {
    await expect(advisoryLock(db, 'x')).rejects.toThrow(/needs a transaction/);
    await withTransaction(db, (trx) => advisoryLock(trx, 'x'));
  });
});
