import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database as Schema } from '../src/adapters/db/schema.js';
import { auditHash } from '../src/audit/audit-chain.js';
import { verifyAuditTrail } from '../src/audit/audit-verify.js';
import { invite, openLink, signIn, startServer, type TestServer } from './harness.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../bin/sightline.js');
let s: TestServer;
const work = mkdtempSync(join(tmpdir(), 'audit-tamper-'));

beforeAll(async () => {
  s = await startServer();
  // A realistic trail: sign-ins, invites, link opens…, then a signed checkpoint.
  const officer = await signIn(s, ['call-handler']);
  for (let i = 0; i < 8; i++) {
    const { token } = await invite(s, officer);
    await openLink(s, token);
  }
  await s.c.audit.checkpointNow();
});
afterAll(() => s?.close());

let copies = 0;
/** A consistent copy of the live database (SQLite backup API), with the append-only triggers dropped as an attacker with file access could. */
async function tamperedCopy(tamper: (db: Database.Database) => void): Promise<string> {
  const file = join(work, `copy-${++copies}.db`);
  const live = new Database(join(s.dataDir, 'sightline.db'), { readonly: true });
  await live.backup(file);
  live.close();
  const db = new Database(file);
  for (const t of [
    'audit_events_no_update',
    'audit_events_no_delete',
    'audit_checkpoints_no_update',
    'audit_checkpoints_no_delete',
  ]) {
    db.exec(`DROP TRIGGER IF EXISTS ${t}`);
  }
  tamper(db);
  db.close();
  return file;
}

async function verify(file: string) {
  const db = new Kysely<Schema>({
    dialect: new SqliteDialect({ database: new Database(file, { readonly: true }) }),
  });
  try {
    return await verifyAuditTrail(db, s.c.signer.publicKeyPem);
  } finally {
    await db.destroy();
  }
}

describe('audit trail tamper evidence', () => {
  it('verifies an untouched trail, with its signed checkpoints', async () => {
    const v = await verify(await tamperedCopy(() => {}));
    expect(v.ok).toBe(true);
    expect(v.entries).toBeGreaterThan(15);
    expect(v.checkpoints).toBeGreaterThanOrEqual(1);
  });

  it('refuses to update or delete audit rows in the live database', () => {
    const db = new Database(join(s.dataDir, 'sightline.db'));
    try {
      expect(() => db.prepare("update audit_events set action = 'x' where seq = 3").run()).toThrow(
        /append-only/,
      );
      expect(() => db.prepare('delete from audit_events where seq = 3').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });

  it('names an edited entry', async () => {
    const v = await verify(
      await tamperedCopy((db) =>
        db.prepare(`update audit_events set detail = '{"username":"someone-else"}' where seq = 6`).run(),
      ),
    );
    expect(v.ok).toBe(false);
    expect(v.firstBad).toMatchObject({ seq: 6, kind: 'changed' });
  });

  it('names a removed entry', async () => {
    const v = await verify(
      await tamperedCopy((db) => db.prepare('delete from audit_events where seq = 7').run()),
    );
    expect(v.firstBad).toMatchObject({ seq: 7, kind: 'missing' });
  });

  it('names a removed entry even when the later entries are renumbered to hide the gap', async () => {
    const v = await verify(
      await tamperedCopy((db) => {
        db.prepare('delete from audit_events where seq = 7').run();
        db.prepare('update audit_events set seq = -(seq - 1) where seq > 7').run();
        db.prepare('update audit_events set seq = -seq where seq < 0').run();
      }),
    );
    expect(v.firstBad).toMatchObject({ seq: 7, kind: 'missing' });
  });

  it('names an inserted entry, even one forged with a correct link to its predecessor', async () => {
    const v = await verify(
      await tamperedCopy((db) => {
        db.prepare('update audit_events set seq = -(seq + 1) where seq >= 5').run();
        db.prepare('update audit_events set seq = -seq where seq < 0').run();
        const prev = db.prepare('select hash from audit_events where seq = 4').get() as { hash: string };
        const row = {
          seq: 5,
          id: 'forged-entry',
          at: Date.now(),
          actor_type: 'system',
          actor_id: null,
          actor_name: null,
          action: 'auth.login',
          subject_type: null,
          subject_id: null,
          detail: null,
          ip: null,
          prev_hash: prev.hash,
        };
        db.prepare(
          'insert into audit_events (seq, id, at, actor_type, actor_id, actor_name, action, subject_type, subject_id, detail, ip, prev_hash, hash) values (@seq, @id, @at, @actor_type, @actor_id, @actor_name, @action, @subject_type, @subject_id, @detail, @ip, @prev_hash, @hash)',
        ).run({ ...row, hash: auditHash(row) });
      }),
    );
    expect(v.firstBad).toMatchObject({ seq: 5, kind: 'inserted' });
  });

  it('names reordered entries', async () => {
    const v = await verify(
      await tamperedCopy((db) => {
        db.prepare('update audit_events set seq = -1 where seq = 9').run();
        db.prepare('update audit_events set seq = 9 where seq = 10').run();
        db.prepare('update audit_events set seq = 10 where seq = -1').run();
      }),
    );
    expect(v.firstBad).toMatchObject({ seq: 9, kind: 'moved' });
  });

  it('detects a truncated tail through the signed checkpoint, and a forged checkpoint', async () => {
    const max = (
      await s.c.db
        .selectFrom('audit_checkpoints')
        .select((e) => e.fn.max('seq').as('m'))
        .executeTakeFirstOrThrow()
    ).m;
    const cut = await verify(
      await tamperedCopy((db) => db.prepare('delete from audit_events where seq >= ?').run(Number(max) - 1)),
    );
    expect(cut.ok).toBe(false);
    expect(cut.problems.some((p) => p.kind === 'missing' && p.seq === Number(max))).toBe(true);
    const forged = await verify(
      await tamperedCopy((db) =>
        db.prepare("update audit_checkpoints set signature = 'AAAA' where seq = ?").run(Number(max)),
      ),
    );
    expect(forged.problems.some((p) => p.kind === 'checkpoint')).toBe(true);
  });

  it('detects the newest entries removed together with their checkpoints, through the signed head kept outside the database', async () => {
    // More activity, signed: the head checkpoint now covers the newest entry.
    const officer = await signIn(s, ['call-handler']);
    await invite(s, officer);
    await s.c.audit.checkpointNow();
    const newest = Number(
      (
        await s.c.db
          .selectFrom('audit_events')
          .select((e) => e.fn.max('seq').as('m'))
          .executeTakeFirstOrThrow()
      ).m,
    );
    const keep = newest - 3;
    // A database-only attacker removes the newest entries and every checkpoint row that mentions them.
    const cut = await tamperedCopy((db) => {
      db.prepare('delete from audit_events where seq > ?').run(keep);
      db.prepare('delete from audit_checkpoints where seq > ?').run(keep);
    });
    expect((await verify(cut)).ok).toBe(true); // the database alone no longer shows it
    const env = { ...process.env, SIGHTLINE_DATA_DIR: s.dataDir, SIGHTLINE_KEY_DIR: join(s.dataDir, 'keys') };
    const bad = await run('node', [CLI, 'audit', 'verify'], {
      env: { ...env, SIGHTLINE_DATABASE_URL: `sqlite:${cut}` },
    }).catch((e: { code: number; stdout: string }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stdout: string }).stdout).toMatch(
      new RegExp(`^TAMPERED: first bad entry #${keep + 1}: .*truncated after #${keep}`, 'm'),
    );
  });

  it('`sightline audit verify` prints a plain verdict and exits 1 naming the first bad entry', async () => {
    const env = { ...process.env, SIGHTLINE_DATA_DIR: s.dataDir, SIGHTLINE_KEY_DIR: join(s.dataDir, 'keys') };
    const good = await run('node', [CLI, 'audit', 'verify'], {
      env: { ...env, SIGHTLINE_DATABASE_URL: `sqlite:${await tamperedCopy(() => {})}` },
    });
    expect(good.stdout).toMatch(/^INTACT: \d+ audit entries/);
    const bad = await run('node', [CLI, 'audit', 'verify'], {
      env: {
        ...env,
        SIGHTLINE_DATABASE_URL: `sqlite:${await tamperedCopy((db) => db.prepare("update audit_events set action = 'x' where seq = 4").run())}`,
      },
    }).catch((e: { code: number; stdout: string }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stdout: string }).stdout).toMatch(/^TAMPERED: first bad entry #4 .*changed/);
  });
});
