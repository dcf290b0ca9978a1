import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../src/adapters/db/database.js';
import { isPostgres } from '../src/adapters/db/transaction.js';
import { auditHash } from '../src/audit/audit-chain.js';
import { verifyAuditTrail } from '../src/audit/audit-verify.js';
import { invite, openLink, signIn, startServer, type TestServer } from './harness.js';
import { type FreshDatabase, freshDatabase } from './test-db.js';

// On the tier's database (SQLite or PostgreSQL): an attacker who can write to the database
// itself lifts the append-only guard and edits a copy of the trail; verification must say so.

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../bin/sightline.js');
let s: TestServer;
const work = mkdtempSync(join(tmpdir(), 'audit-tamper-'));
const copiesMade: FreshDatabase[] = [];

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
afterAll(async () => {
  await s?.close();
  for (const c of copiesMade) await c.drop();
  rmSync(work, { recursive: true, force: true });
});

const exec = (db: Db, statement: string) => sql.raw(statement).execute(db);

/** Lifts the append-only guard, as someone with the database's own rights could. */
async function dropAppendOnly(db: Db): Promise<void> {
  for (const table of ['audit_events', 'audit_checkpoints']) {
    if (isPostgres(db)) await exec(db, `ALTER TABLE ${table} DISABLE TRIGGER USER`);
    else for (const op of ['update', 'delete']) await exec(db, `DROP TRIGGER IF EXISTS ${table}_no_${op}`);
  }
}

let copies = 0;
/** A copy of the live audit trail and its checkpoints in a new database, tampered with; its URL. */
async function tamperedCopy(tamper: (db: Db) => Promise<unknown>): Promise<string> {
  const fresh = await freshDatabase();
  if (fresh) copiesMade.push(fresh);
  const url = fresh?.url ?? `sqlite:${join(work, `copy-${++copies}.db`)}`;
  const db = openDatabase(url);
  try {
    await migrateToLatest(db);
    await dropAppendOnly(db);
    const events = await s.c.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
    for (let i = 0; i < events.length; i += 100)
      await db
        .insertInto('audit_events')
        .values(events.slice(i, i + 100))
        .execute();
    const checkpoints = await s.c.db.selectFrom('audit_checkpoints').selectAll().execute();
    if (checkpoints.length) await db.insertInto('audit_checkpoints').values(checkpoints).execute();
    await tamper(db);
  } finally {
    await db.destroy();
  }
  return url;
}

async function verify(url: string) {
  const db = openDatabase(url);
  try {
    return await verifyAuditTrail(db, s.c.signer.publicKeyPem);
  } finally {
    await db.destroy();
  }
}

describe('audit trail tamper evidence', () => {
  it('verifies an untouched trail, with its signed checkpoints', async () => {
    const v = await verify(await tamperedCopy(async () => {}));
    expect(v.ok).toBe(true);
    expect(v.entries).toBeGreaterThan(15);
    expect(v.checkpoints).toBeGreaterThanOrEqual(1);
  });

  it('refuses to update or delete audit rows in the live database', async () => {
    await expect(exec(s.c.db, "update audit_events set action = 'x' where seq = 3")).rejects.toThrow(
      /append-only/,
    );
    await expect(exec(s.c.db, 'delete from audit_events where seq = 3')).rejects.toThrow(/append-only/);
  });

  it('names an edited entry', async () => {
    const v = await verify(
      await tamperedCopy((db) =>
        exec(db, `update audit_events set detail = '{"username":"someone-else"}' where seq = 6`),
      ),
    );
    expect(v.ok).toBe(false);
    expect(v.firstBad).toMatchObject({ seq: 6, kind: 'changed' });
  });

  it('names a removed entry', async () => {
    const v = await verify(await tamperedCopy((db) => exec(db, 'delete from audit_events where seq = 7')));
    expect(v.firstBad).toMatchObject({ seq: 7, kind: 'missing' });
  });

  it('names a removed entry even when the later entries are renumbered to hide the gap', async () => {
    const v = await verify(
      await tamperedCopy(async (db) => {
        await exec(db, 'delete from audit_events where seq = 7');
        await exec(db, 'update audit_events set seq = -(seq - 1) where seq > 7');
        await exec(db, 'update audit_events set seq = -seq where seq < 0');
      }),
    );
    expect(v.firstBad).toMatchObject({ seq: 7, kind: 'missing' });
  });

  it('names an inserted entry, even one forged with a correct link to its predecessor', async () => {
    const v = await verify(
      await tamperedCopy(async (db) => {
        await exec(db, 'update audit_events set seq = -(seq + 1) where seq >= 5');
        await exec(db, 'update audit_events set seq = -seq where seq < 0');
        const prev = await db
          .selectFrom('audit_events')
          .select('hash')
          .where('seq', '=', 4)
          .executeTakeFirstOrThrow();
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
        await db
          .insertInto('audit_events')
          .values({ ...row, hash: auditHash(row) })
          .execute();
      }),
    );
    expect(v.firstBad).toMatchObject({ seq: 5, kind: 'inserted' });
  });

  it('names reordered entries', async () => {
    const v = await verify(
      await tamperedCopy(async (db) => {
        await exec(db, 'update audit_events set seq = -1 where seq = 9');
        await exec(db, 'update audit_events set seq = 9 where seq = 10');
        await exec(db, 'update audit_events set seq = 10 where seq = -1');
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
      await tamperedCopy((db) => exec(db, `delete from audit_events where seq >= ${Number(max) - 1}`)),
    );
    expect(cut.ok).toBe(false);
    expect(cut.problems.some((p) => p.kind === 'missing' && p.seq === Number(max))).toBe(true);
    const forged = await verify(
      await tamperedCopy((db) =>
        exec(db, `update audit_checkpoints set signature = 'AAAA' where seq = ${Number(max)}`),
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
    const cut = await tamperedCopy(async (db) => {
      await exec(db, `delete from audit_events where seq > ${keep}`);
      await exec(db, `delete from audit_checkpoints where seq > ${keep}`);
    });
    expect((await verify(cut)).ok).toBe(true); // the database alone no longer shows it
    const env = { ...process.env, SIGHTLINE_DATA_DIR: s.dataDir, SIGHTLINE_KEY_DIR: join(s.dataDir, 'keys') };
    const bad = await run('node', [CLI, 'audit', 'verify'], {
      env: { ...env, SIGHTLINE_DATABASE_URL: cut },
    }).catch((e: { code: number; stdout: string }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stdout: string }).stdout).toMatch(
      new RegExp(`^TAMPERED: first bad entry #${keep + 1}: .*truncated after #${keep}`, 'm'),
    );
  });

  it('`sightline audit verify` prints a plain verdict and exits 1 naming the first bad entry', async () => {
    const env = { ...process.env, SIGHTLINE_DATA_DIR: s.dataDir, SIGHTLINE_KEY_DIR: join(s.dataDir, 'keys') };
    const good = await run('node', [CLI, 'audit', 'verify'], {
      env: { ...env, SIGHTLINE_DATABASE_URL: await tamperedCopy(async () => {}) },
    });
    expect(good.stdout).toMatch(/^INTACT: \d+ audit entries/);
    const bad = await run('node', [CLI, 'audit', 'verify'], {
      env: {
        ...env,
        SIGHTLINE_DATABASE_URL: await tamperedCopy((db) =>
          exec(db, "update audit_events set action = 'x' where seq = 4"),
        ),
      },
    }).catch((e: { code: number; stdout: string }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stdout: string }).stdout).toMatch(/^TAMPERED: first bad entry #4 .*changed/);
  });
});
