import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateSigner } from '../src/adapters/keys/signer.js';
import type { BackupManifest } from '../src/backup/backup-manifest.js';
import {
  eventually,
  expectJson,
  type OfficerClient,
  signIn,
  startServer,
  type TestServer,
} from './harness.js';
import { recordedSession } from './recorded-session.js';
import { type FreshDatabase, freshDatabase, testDatabase } from './test-db.js';

// `sightline backup` of a running server (real Janus, a real recording, an export package),
// `sightline restore` into a fresh data directory (and, on PostgreSQL, a new database), and a
// server started on it: every evidence item is there and downloads with its SHA-256, and the
// audit trail verifies. Runs on SQLite and PostgreSQL (SIGHTLINE_TEST_DB; pg_dump and
// pg_restore from Debian's postgresql-client). The built CLI is used (`npm run build` first).

const CLI = join(import.meta.dirname, '../bin/sightline.js');
const work = mkdtempSync(join(tmpdir(), 'backup-test-'));
const live = join(work, 'live');
const backupDir = join(work, 'backup');
const source = new RtpSource();
let s: TestServer;
let supervisor: OfficerClient;
let sessionId: string;
let exportId: string;
let manifest: BackupManifest;
/** The notes written while the backup ran: some are in it, the rest were written after its snapshot. */
let notesDuringBackup = 0;
const databases: Array<FreshDatabase | null> = [];

// The operator's shell, without the test runner's SIGHTLINE_* settings.
const shell = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIGHTLINE_')));
/** What the operator's shell sets for the live deployment (its PostgreSQL database is the harness's). */
const liveEnv = (): Record<string, string> => ({
  SIGHTLINE_DATA_DIR: live,
  SIGHTLINE_DATABASE_URL: s.env.SIGHTLINE_DATABASE_URL ?? `sqlite:${join(live, 'sightline.db')}`,
});
/** Restoring a PostgreSQL backup needs a database; these cases are refused before it is used. */
const unusedDatabase = () =>
  testDatabase === 'postgres' ? ['--database-url', 'postgres://sightline@127.0.0.1:1/unused'] : [];

function cli(args: string[], env: Record<string, string> = liveEnv()) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn('node', [CLI, ...args], { env: { ...shell, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const sha256 = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');
/** A fresh data directory holding only the key directory, restored first as the docs say. */
function freshWithKeys(name: string, keys = join(live, 'keys')): string {
  const dir = join(work, name);
  cpSync(keys, join(dir, 'keys'), { recursive: true });
  return dir;
}

beforeAll(async () => {
  await source.start(ensureClip());
  // On PostgreSQL the harness makes the database; on SQLite it is the data directory's file.
  s = await startServer({ env: { SIGHTLINE_DATA_DIR: live } });
  const handler = await signIn(s, ['call-handler']);
  supervisor = await signIn(s, ['supervisor']);
  sessionId = await recordedSession(s, handler, source);
  await expectJson(
    handler.request('POST', `/api/sessions/${sessionId}/notes`, { kind: 'note', text: 'before the backup' }),
    201,
  );
  exportId = (
    await expectJson<{ id: string }>(
      supervisor.request('POST', '/api/exports', { sessionIds: [sessionId], reason: 'CPS file request 7' }),
      202,
    )
  ).id;
  await eventually(async () => {
    const j = await expectJson<{ state: string; error: string | null }>(
      supervisor.request('GET', `/api/exports/${exportId}`),
    );
    if (j.state === 'failed') throw new Error(j.error ?? 'export failed');
    return j.state === 'done';
  }, 60_000);
}, 240_000);
afterAll(async () => {
  await s?.close();
  for (const d of databases) await d?.drop();
  await source.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('backup and restore', { timeout: 180_000 }, () => {
  it('backs up the running server while it writes: the signed manifest names every evidence item and the export package', async () => {
    const running = cli(['backup', backupDir]);
    let finished = false;
    void running.then(() => {
      finished = true;
    });
    // Officers keep working: notes (timeline and audit entries) land before, during and after the snapshot.
    while (!finished) {
      await supervisor.request('POST', `/api/sessions/${sessionId}/notes`, {
        kind: 'note',
        text: `during the backup ${notesDuringBackup}`,
      });
      notesDuringBackup++;
    }
    const r = await running;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^BACKED UP/);
    expect(r.stdout).toContain('are not in the backup: back them up separately');
    manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as BackupManifest;
    expect(manifest.database.engine).toBe(testDatabase);
    const items = await s.c.evidence.list(sessionId);
    expect(items.length).toBeGreaterThanOrEqual(3);
    expect(
      manifest.files
        .filter((f) => f.kind === 'evidence')
        .map((f) => f.sha256)
        .sort(),
    ).toEqual(items.map((i) => i.sha256).sort());
    expect(manifest.counts).toMatchObject({ sessions: 1, evidenceItems: items.length, exportPackages: 1 });
    expect(manifest.key.fingerprint).toBe(s.c.signer.fingerprint);
    // Nothing of the key directory is in the backup.
    expect(readdirSync(backupDir).sort()).toEqual(
      ['evidence', 'manifest.json', 'manifest.sig', manifest.database.file].sort(),
    );
  });

  it('--include-keys copies the keys to a different destination, never into the backup', async () => {
    const inside = await cli([
      'backup',
      join(work, 'backup-2'),
      '--include-keys',
      join(work, 'backup-2', 'keys'),
    ]);
    expect(inside.code).toBe(1);
    expect(inside.stdout).toContain('--include-keys must be a different destination');
    const keys = join(work, 'keys-copy');
    const r = await cli(['backup', join(work, 'backup-3'), '--include-keys', keys]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(keys, 'signing-key.pem'))).toEqual(
      readFileSync(join(live, 'keys', 'signing-key.pem')),
    );
    expect(existsSync(join(work, 'backup-3', 'signing-key.pem'))).toBe(false);
  });

  it('a backup whose evidence file, database or manifest was changed is refused and nothing is written', async () => {
    const cases: Array<[string, (dir: string) => void, RegExp]> = [
      [
        'an evidence file',
        (dir) => {
          const f = join(dir, 'evidence', manifest.files[0]!.key);
          chmodSync(f, 0o600);
          const bytes = readFileSync(f);
          bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
          writeFileSync(f, bytes);
        },
        new RegExp(
          `does not match its signed manifest[\\s\\S]*${manifest.files[0]!.key.replace(/[.]/g, '\\.')}`,
        ),
      ],
      [
        'the database',
        (dir) =>
          writeFileSync(
            join(dir, manifest.database.file),
            Buffer.concat([readFileSync(join(dir, manifest.database.file)), Buffer.from('x')]),
          ),
        /sightline\.(db|pgdump): SHA-256/,
      ],
      [
        'the manifest',
        (dir) => {
          const m = readFileSync(join(dir, 'manifest.json'), 'utf8');
          writeFileSync(join(dir, 'manifest.json'), m.replace('"exportPackages": 1', '"exportPackages": 0'));
        },
        /signature does not verify/,
      ],
      [
        'a missing file',
        (dir) => rmSync(join(dir, 'evidence', manifest.files[1]!.key), { force: true }),
        /missing/,
      ],
    ];
    for (const [what, tamper, why] of cases) {
      const copy = join(work, `tampered-${what.replace(/ /g, '-')}`);
      cpSync(backupDir, copy, { recursive: true });
      tamper(copy);
      const target = freshWithKeys(`restore-${what.replace(/ /g, '-')}`);
      const r = await cli(['restore', copy, '--data-dir', target, ...unusedDatabase()]);
      expect(r.code, what).toBe(1);
      expect(r.stdout, what).toMatch(/^REFUSED/);
      expect(r.stdout, what).toMatch(why);
      expect(readdirSync(target), what).toEqual(['keys']);
    }
    // Another deployment's key: the backup is not trusted.
    const other = join(work, 'other-keys');
    loadOrCreateSigner(other);
    const r = await cli([
      'restore',
      backupDir,
      '--data-dir',
      join(work, 'restore-other'),
      '--key-dir',
      other,
      ...unusedDatabase(),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/signature does not verify with the key in/);
  });

  it('restores into a fresh data directory: a server started on it lists every item, downloads each with its SHA-256, and the audit trail verifies', async () => {
    // The live system went on after the backup: its signed head is newer than the backup's trail.
    await s.c.audit.checkpointNow();
    const liveHead = JSON.parse(readFileSync(join(live, 'keys', 'audit-head.json'), 'utf8')) as {
      seq: number;
    };
    expect(liveHead.seq).toBeGreaterThan(manifest.audit.head!.seq);
    const fresh = freshWithKeys('restored');
    const refused = await cli(['restore', backupDir, '--data-dir', live, ...unusedDatabase()]);
    expect(refused.stdout).toMatch(/not empty/);
    const database = await freshDatabase();
    databases.push(database);
    const into = database ? ['--database-url', database.url] : [];
    if (database) {
      // The live database is not empty: a restore never writes over one.
      const over = await cli([
        'restore',
        backupDir,
        '--data-dir',
        fresh,
        '--database-url',
        liveEnv().SIGHTLINE_DATABASE_URL!,
      ]);
      expect(over.code).toBe(1);
      expect(over.stdout).toMatch(/REFUSED: the database .* is not empty/);
      expect(readdirSync(fresh)).toEqual(['keys']);
    }

    const r = await cli(['restore', backupDir, '--data-dir', fresh, ...into]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^RESTORED/);
    expect(r.stdout).toMatch(/The signed head that was there is kept at .*before-restore/);
    const freshEnv = {
      SIGHTLINE_DATA_DIR: fresh,
      SIGHTLINE_DATABASE_URL: database?.url ?? `sqlite:${join(fresh, 'sightline.db')}`,
    };
    const verified = await cli(['audit', 'verify'], freshEnv);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toMatch(/^INTACT/);
    expect(verified.stdout).toContain(`covers #${manifest.audit.head!.seq}`);

    const s2 = await startServer({ env: freshEnv });
    try {
      const auditor = await signIn(s2, ['supervisor']);
      const { items } = await expectJson<{ items: Array<{ id: string; sha256: string; kind: string }> }>(
        auditor.request('GET', `/api/sessions/${sessionId}/evidence`),
      );
      expect(items.map((i) => i.sha256).sort()).toEqual(
        manifest.files
          .filter((f) => f.kind === 'evidence')
          .map((f) => f.sha256)
          .sort(),
      );
      for (const item of items) {
        const res = await auditor.request('GET', `/api/evidence/${item.id}/content`);
        expect(res.status, item.kind).toBe(200);
        expect(sha256(new Uint8Array(await res.arrayBuffer())), item.kind).toBe(item.sha256);
      }
      const pkg = await auditor.request('GET', `/api/exports/${exportId}/download`);
      expect(pkg.status).toBe(200);
      expect(sha256(new Uint8Array(await pkg.arrayBuffer()))).toBe(
        manifest.files.find((f) => f.kind === 'export')!.sha256,
      );
      // One moment: the notes the snapshot holds are a prefix of those written during the backup.
      const notes = await expectJson<{ notes: Array<{ text: string }> }>(
        auditor.request('GET', `/api/sessions/${sessionId}/notes`),
      );
      const during = notes.notes.filter((n) => n.text.startsWith('during the backup')).map((n) => n.text);
      expect(during).toEqual(during.map((_, i) => `during the backup ${i}`));
      expect(during.length).toBeLessThanOrEqual(notesDuringBackup);
      // The restore is on the trail, and the trail still verifies once the new server has signed it.
      const restored = await expectJson<{ entries: Array<{ detail: Record<string, unknown> }> }>(
        auditor.request('GET', '/api/audit?action=backup.restore'),
      );
      expect(restored.entries).toHaveLength(1);
      expect(restored.entries[0]!.detail).toMatchObject({ backupCreatedAt: manifest.createdAt });
      await s2.c.audit.checkpointNow();
    } finally {
      await s2.close();
    }
    const again = await cli(['audit', 'verify'], freshEnv);
    expect(again.code, again.stdout).toBe(0);
  });

  it('after a key rotation a new backup and one made before it both restore, and each restored trail verifies', async () => {
    const rotated = await cli(['keys', 'rotate']);
    expect(rotated.code, rotated.stdout + rotated.stderr).toBe(0);
    const after = join(work, 'backup-after-rotation');
    const b = await cli(['backup', after]);
    expect(b.code, b.stdout + b.stderr).toBe(0);
    // Checkpoints signed by the retired key are still good: no false alarm.
    expect(b.stderr).not.toMatch(/not intact/);
    const newer = JSON.parse(readFileSync(join(after, 'manifest.json'), 'utf8')) as BackupManifest;
    expect(newer.key.fingerprint).not.toBe(manifest.key.fingerprint);
    for (const [name, from] of [
      ['restored-after-rotation', after],
      ['restored-from-before-rotation', backupDir],
    ] as const) {
      const target = freshWithKeys(name);
      const database = await freshDatabase();
      databases.push(database);
      const r = await cli([
        'restore',
        from,
        '--data-dir',
        target,
        ...(database ? ['--database-url', database.url] : []),
      ]);
      expect(r.code, `${name}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^RESTORED/);
      const v = await cli(['audit', 'verify'], {
        SIGHTLINE_DATA_DIR: target,
        SIGHTLINE_DATABASE_URL: database?.url ?? `sqlite:${join(target, 'sightline.db')}`,
      });
      expect(v.code, `${name}: ${v.stdout}`).toBe(0);
      expect(v.stdout).toMatch(/^INTACT/);
    }
  });

  it('evidence kept in a bucket is refused before connecting, naming the documented procedure', async () => {
    const bucket = await cli(['backup', join(work, 's3-backup')], {
      ...liveEnv(),
      SIGHTLINE_EVIDENCE_STORE: 's3',
      SIGHTLINE_S3_BUCKET: 'evidence',
    });
    expect(bucket.code).toBe(1);
    expect(bucket.stdout).toMatch(
      /REFUSED: .*in a bucket: back up the bucket with versioning.*docs\/operations\.md/,
    );
    expect(existsSync(join(work, 's3-backup', 'manifest.json'))).toBe(false);
  });
});
