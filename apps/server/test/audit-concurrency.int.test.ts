import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './harness.js';

// Two server instances share one database (and, as a deployment does, one signing key) and
// append to the audit trail at the same moment. The trail must stay one straight chain that the
// CLI (`npm run build` first) verifies. On the tier's database: SQLite or PostgreSQL.

const CLI = join(import.meta.dirname, '../bin/sightline.js');
const ROUNDS = 20;
const PER_ROUND = 15;
let a: TestServer;
let b: TestServer;
let keyDir: string;

beforeAll(async () => {
  keyDir = mkdtempSync(join(tmpdir(), 'sightline-shared-keys-'));
  a = await startServer({ env: { SIGHTLINE_KEY_DIR: keyDir } });
  b = await startServer({ env: { SIGHTLINE_KEY_DIR: keyDir, SIGHTLINE_DATABASE_URL: a.databaseUrl } });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  rmSync(keyDir, { recursive: true, force: true });
});

describe('audit trail shared by two instances', () => {
  it('hundreds of entries appended at once from both instances make one chain, and `sightline audit verify` passes', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(
        [a, b].flatMap((s, n) =>
          Array.from({ length: PER_ROUND }, (_, i) =>
            s.c.audit.record({
              actor: { type: 'system' },
              action: 'test.concurrent',
              detail: { instance: n ? 'b' : 'a', round, i },
            }),
          ),
        ),
      );
    }
    await a.c.audit.checkpointNow();

    const rows = await a.c.db
      .selectFrom('audit_events')
      .select(['seq', 'prev_hash', 'hash', 'action', 'detail'])
      .orderBy('seq')
      .execute();
    // No fork and no gap: seq runs 1..n and every entry chains onto the one before it.
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    const ours = rows.filter((r) => r.action === 'test.concurrent');
    expect(ours).toHaveLength(2 * ROUNDS * PER_ROUND);
    // The two instances really did take turns on the chain, not one after the other.
    const by = ours.map((r) => (JSON.parse(r.detail!) as { instance: string }).instance);
    expect(by.filter((x, i) => i > 0 && x !== by[i - 1]).length).toBeGreaterThanOrEqual(ROUNDS);

    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIGHTLINE_')));
    const r = spawnSync('node', [CLI, 'audit', 'verify'], { env: { ...env, ...a.env }, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toMatch(new RegExp(`INTACT: ${rows.length} audit entries, chain unbroken`));
    expect(r.status).toBe(0);
  });
});
