import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import { withTransaction } from '../adapters/db/transaction.js';
import { loadOrCreateSigner, type SigningKeys } from '../adapters/keys/signer.js';
import { cryptoRandom } from '../adapters/random.js';
import { silentLogger } from '../lib/logger.js';
import { AuditService, type CheckpointPolicy } from './audit.service.js';
import { verifyAuditTrail } from './audit-verify.js';
import { AuditHeadFile, auditHeadPath } from './head-file.js';

describe('AuditService: the signed head kept outside the database', () => {
  let db: Db;
  let keyDir: string;
  let signer: SigningKeys;
  let file: AuditHeadFile;
  const clock = { t: 1_800_000_000_000, now: () => clock.t };
  const services: AuditService[] = [];
  const service = (policy: CheckpointPolicy = { everyEntries: 50, everyMs: 10_000 }) => {
    const s = new AuditService(db, clock, cryptoRandom, signer, policy, { file, log: silentLogger });
    services.push(s);
    return s;
  };
  const record = (audit: AuditService, n: number) =>
    Promise.all(
      Array.from({ length: n }, (_, i) => audit.record({ actor: { type: 'system' }, action: `test.${i}` })),
    );
  /** What a database-only attacker can do: drop the append-only triggers, delete the newest rows and their checkpoints. */
  const cutAfter = async (keep: number) => {
    for (const t of ['audit_events_no_delete', 'audit_checkpoints_no_delete'])
      await sql.raw(`drop trigger if exists ${t}`).execute(db);
    await db.deleteFrom('audit_events').where('seq', '>', keep).execute();
    await db.deleteFrom('audit_checkpoints').where('seq', '>', keep).execute();
  };

  beforeEach(async () => {
    db = openDatabase('sqlite::memory:');
    await migrateToLatest(db);
    keyDir = mkdtempSync(join(tmpdir(), 'audit-head-'));
    signer = loadOrCreateSigner(keyDir);
    file = new AuditHeadFile(auditHeadPath(keyDir));
  });
  afterEach(async () => {
    for (const s of services.splice(0)) s.stop();
    await db.destroy();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('signs the head beside the key when 10 s have passed with new entries, and the untouched trail verifies', async () => {
    const audit = service();
    await record(audit, 3);
    expect(file.read().state).toBe('absent');
    clock.t += 10_000;
    await record(audit, 1);
    const read = file.read();
    expect(read).toMatchObject({ state: 'present', head: { seq: 4 } });
    const v = await verifyAuditTrail(db, signer.publicKeyPem, read);
    expect(v.ok).toBe(true);
    expect(v.head).toMatchObject({ seq: 4 });
  });

  it("an entry written in a caller's transaction commits with it, goes with its rollback, and the chain runs on", async () => {
    const audit = service();
    await record(audit, 2);
    const entry = { actor: { type: 'system' } as const, action: 'test.within' };
    await expect(
      withTransaction(db, async (trx) => {
        await audit.recordIn(trx, entry);
        throw new Error('the change it records failed');
      }),
    ).rejects.toThrow('the change it records failed');
    expect(await audit.list({ limit: 10, action: 'test.within' })).toEqual([]);
    await withTransaction(db, (trx) => audit.recordIn(trx, entry));
    await record(audit, 1);
    const seqs = await db.selectFrom('audit_events').select(['seq', 'action']).orderBy('seq').execute();
    expect(seqs.map((r) => [Number(r.seq), r.action])).toEqual([
      [1, 'test.0'],
      [2, 'test.1'],
      [3, 'test.within'],
      [4, 'test.0'],
    ]);
    await audit.checkpointNow();
    const v = await verifyAuditTrail(db, signer.publicKeyPem, file.read());
    expect(v.ok).toBe(true);
    expect(v.head).toMatchObject({ seq: 4 });
  });

  it('signs the head by timer once started, without waiting for another entry', async () => {
    const audit = service({ everyEntries: 1_000, everyMs: 20 });
    await record(audit, 2);
    audit.start();
    for (let i = 0; i < 200 && file.read().state === 'absent'; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(file.read()).toMatchObject({ state: 'present', head: { seq: 2 } });
  });

  it('names the truncation when the newest entries and their checkpoint rows are deleted', async () => {
    const audit = service();
    await record(audit, 6);
    await audit.checkpointNow();
    await cutAfter(4);
    // The database alone still looks intact: that is the gap the head file closes.
    expect((await verifyAuditTrail(db, signer.publicKeyPem)).ok).toBe(true);
    const v = await verifyAuditTrail(db, signer.publicKeyPem, file.read());
    expect(v.ok).toBe(false);
    expect(v.firstBad).toMatchObject({ seq: 5, kind: 'truncated' });
    expect(v.firstBad!.message).toMatch(/truncated after #4.*up to #6/);
  });

  it('never moves the head back, nor onto a trail that lost the entry it signed', async () => {
    await record(service(), 6);
    await service().checkpointNow();
    await cutAfter(4);
    // A fresh process chains new entries onto the cut trail, past the signed head, and signs them.
    const after = service();
    await record(after, 5);
    await after.checkpointNow();
    const read = file.read();
    expect(read).toMatchObject({ state: 'present', head: { seq: 6 } });
    const v = await verifyAuditTrail(db, signer.publicKeyPem, read);
    expect(v.ok).toBe(false);
    expect(
      v.problems.some((p) => p.seq === 6 && /differs from the one the signed head/.test(p.message)),
    ).toBe(true);
  });

  it('refuses a head file that was not signed with the deployment key', async () => {
    const audit = service();
    await record(audit, 2);
    await audit.checkpointNow();
    const read = file.read();
    if (read.state !== 'present') throw new Error('no head');
    file.write({ ...read.head, signature: Buffer.alloc(64).toString('base64') });
    const v = await verifyAuditTrail(db, signer.publicKeyPem, file.read());
    expect(v.firstBad).toMatchObject({ kind: 'checkpoint' });
    expect(v.firstBad!.message).toMatch(/signature is not valid/);
  });
});

describe('AuditService: several processes append to one trail', () => {
  let dir: string;
  const dbs: Db[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-two-'));
  });
  afterEach(async () => {
    for (const db of dbs.splice(0)) await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two instances on one database file, appending at once, make one straight chain that verifies', async () => {
    const url = `sqlite:${join(dir, 'sightline.db')}`;
    const first = openDatabase(url);
    dbs.push(first);
    await migrateToLatest(first);
    dbs.push(openDatabase(url));
    const signer = loadOrCreateSigner(join(dir, 'keys'));
    const file = new AuditHeadFile(auditHeadPath(join(dir, 'keys')));
    const [a, b] = dbs.map(
      (db) =>
        new AuditService(
          db,
          { now: () => Date.now() },
          cryptoRandom,
          signer,
          { everyEntries: 7, everyMs: 60_000 },
          {
            file,
            log: silentLogger,
          },
        ),
    ) as [AuditService, AuditService];
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 ? a : b).record({ actor: { type: 'system' }, action: `test.${i % 2 ? 'a' : 'b'}.${i}` }),
      ),
    );
    await a.checkpointNow();
    const rows = await first.selectFrom('audit_events').select(['seq', 'action']).orderBy('seq').execute();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.action.split('.')[1]))).toEqual(new Set(['a', 'b']));
    const v = await verifyAuditTrail(first, signer.publicKeyPem, file.read());
    expect(v.problems).toEqual([]);
    expect(v).toMatchObject({ ok: true, entries: 100, head: { seq: 100 } });
  });
});
