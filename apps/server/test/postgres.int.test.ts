import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PostgresEngine, startPostgres } from '@sightline/testkit/engines/postgres';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../src/adapters/db/database.js';
import { advisoryLock, withTransaction } from '../src/adapters/db/transaction.js';
import { loadOrCreateSigner } from '../src/adapters/keys/signer.js';
import { cryptoRandom } from '../src/adapters/random.js';
import { AuditService } from '../src/audit/audit.service.js';
import { WebhookOutboxWriter } from '../src/webhooks/webhook-outbox.js';
import { freshDatabase } from './test-db.js';
import { rawEndpoint } from './webhook-rows.js';

// What only PostgreSQL can get wrong. It runs on PostgreSQL in both tiers: on the tier's cluster
// with SIGHTLINE_TEST_DB=postgres, else on a cluster of its own. No Janus.

let own: PostgresEngine | null = null;
let url: string;
let db: Db;
let other: Db;
let keyDir: string;

beforeAll(async () => {
  const fresh = await freshDatabase();
  if (fresh) url = fresh.url;
  else {
    own = await startPostgres();
    url = own.createDatabase('sightline');
  }
  db = openDatabase(url);
  other = openDatabase(url);
  await migrateToLatest(db);
  keyDir = mkdtempSync(join(tmpdir(), 'sightline-pg-keys-'));
});

afterAll(async () => {
  await db?.destroy();
  await other?.destroy();
  await own?.stop();
  rmSync(keyDir, { recursive: true, force: true });
});

describe('PostgreSQL', () => {
  it('runs every migration, and a second run finds nothing to do', async () => {
    const tables = await sql<{ n: number }>`
      select count(*) as n from information_schema.tables where table_schema = 'public'`.execute(db);
    expect(tables.rows[0]!.n).toBeGreaterThan(15);
    expect(await migrateToLatest(other)).toEqual([]);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the audit trail, its checkpoints and the seals', async () => {
    const signer = loadOrCreateSigner(keyDir);
    const audit = new AuditService(db, { now: () => Date.now() }, cryptoRandom, signer);
    await audit.record({ actor: { type: 'system' }, action: 'test.append-only' });
    await audit.checkpointNow();
    await db
      .insertInto('officers')
      .values({ id: 'o1', username: 'o1', display_name: 'O', password_hash: 'x', roles: '[]', created_at: 1 })
      .execute();
    await db
      .insertInto('sessions')
      .values({
        id: 's1',
        phone_e164: '+447700900001',
        phone_masked: '•',
        state: 'ended',
        created_by: 'o1',
        created_at: 1,
        expires_at: 2,
        token_hash: 't1',
        publishing: 0,
      })
      .execute();
    await db
      .insertInto('recordings')
      .values({ id: 'r1', session_id: 's1', file_base: 'f', started_at: 1, state: 'stored' })
      .execute();
    await db
      .insertInto('seals')
      .values({
        id: 'x1',
        recording_id: 'r1',
        session_id: 's1',
        seq: 1,
        file_name: 'f.mjr',
        offset: 10,
        prefix_sha256: 'p',
        at: 1,
        recovered: 0,
        prev_hash: 'g',
        hash: 'h',
      })
      .execute();
    for (const table of ['audit_events', 'audit_checkpoints', 'seals']) {
      const count = async () =>
        (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n;
      const before = await count();
      expect(before).toBeGreaterThan(0);
      const column = table === 'seals' ? 'hash' : 'signature';
      await expect(
        sql`update ${sql.table(table)} set ${sql.ref(table === 'audit_events' ? 'action' : column)} = 'x'`.execute(
          db,
        ),
      ).rejects.toThrow(`${table} is append-only`);
      await expect(sql`delete from ${sql.table(table)}`.execute(db)).rejects.toThrow(
        `${table} is append-only`,
      );
      await expect(sql`truncate ${sql.table(table)} cascade`.execute(db)).rejects.toThrow(
        `${table} is append-only`,
      );
      expect(await count()).toBe(before);
    }
  });

  it('gives BIGINT counts, sizes and times as numbers, and refuses one beyond the safe range', async () => {
    const r = await sql<{ n: number; big: number; sum: number }>`
      select count(*) as n, cast(1800000000000 as bigint) as big, sum(cast(5 as bigint)) as sum`.execute(db);
    expect(r.rows[0]).toEqual({ n: 1, big: 1_800_000_000_000, sum: 5 });
    await expect(sql`select cast(9007199254740993 as bigint) as big`.execute(db)).rejects.toThrow(
      /9007199254740993 is beyond JavaScript's safe range/,
    );
    // The pool survives the refusal.
    expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0]!.one).toBe(1);
  });

  it('withTransaction keeps all or nothing, and advisoryLock makes two connections take turns', async () => {
    await expect(
      withTransaction(db, async (trx) => {
        await trx
          .insertInto('officers')
          .values({
            id: 'o2',
            username: 'o2',
            display_name: 'O',
            password_hash: 'x',
            roles: '[]',
            created_at: 1,
          })
          .execute();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(
      await db.selectFrom('officers').select('id').where('id', '=', 'o2').executeTakeFirst(),
    ).toBeUndefined();

    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const first = withTransaction(db, async (trx) => {
      await advisoryLock(trx, 'test.lock');
      order.push('first has the lock');
      await held;
      order.push('first lets go');
    });
    await new Promise((r) => setTimeout(r, 50));
    const second = withTransaction(other, async (trx) => {
      await advisoryLock(trx, 'test.lock');
      order.push('second has the lock');
    });
    await new Promise((r) => setTimeout(r, 200));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first has the lock', 'first lets go', 'second has the lock']);
  });

  it('a webhook written in a transaction wakes the sender only once committed, so its first look finds the row', async () => {
    const now = Date.now();
    await rawEndpoint(db, 'pg-wake', { events: ['session.opened'] });
    // The sender reads on a connection of its own, as another part of the server does.
    const seen: number[] = [];
    const look = () =>
      void other
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('endpoint_id', '=', 'pg-wake')
        .executeTakeFirstOrThrow()
        .then((r) => seen.push(Number(r.n)));
    const outbox = new WebhookOutboxWriter({ now: () => now }, cryptoRandom, 30_000, look);
    await withTransaction(db, async (trx) => {
      await outbox.record(trx, { type: 'session.opened', sessionId: 'pg-wake-s', occurredAt: now, data: {} });
      // The rest of the change takes a moment: a wake-up before the commit would look now.
      await sql`select pg_sleep(0.2)`.execute(trx);
    });
    await expect.poll(() => seen).toEqual([1]);
  });
});
