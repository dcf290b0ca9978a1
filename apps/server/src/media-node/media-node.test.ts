import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../adapters/clock.js';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import { cryptoRandom, hashSecret } from '../adapters/random.js';
import { loadConfig } from '../config/config.js';
import { connectCluster } from '../events/cluster.js';
import { silentLogger } from '../lib/logger.js';
import { evidencePipeline } from './media-node.js';

// The node's evidence pipeline on a database of its own: what it stores must reach CAD too,
// through the outbox the server instances send (the node has no sender of its own).
describe('media node evidence pipeline', () => {
  let dir: string;
  let db: Db;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'media-node-'));
    db = openDatabase(`sqlite:${join(dir, 'db.sqlite')}`);
    await migrateToLatest(db);
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes an evidence.stored webhook for what it stores, for the server instances to send', async () => {
    const now = Date.now();
    await db
      .insertInto('officers')
      .values({
        id: 'o1',
        username: 'o1',
        display_name: 'O',
        password_hash: 'x',
        roles: '[]',
        created_at: now,
      })
      .execute();
    await db
      .insertInto('sessions')
      .values({
        id: 's1',
        phone_e164: '+447700900001',
        phone_masked: '07700 9•••01',
        state: 'ended',
        created_by: 'o1',
        created_at: now,
        expires_at: now + 60_000,
        token_hash: hashSecret('s1'),
        publishing: 0,
      })
      .execute();
    await db
      .insertInto('webhook_endpoints')
      .values({
        id: 'cad',
        url: 'https://cad.example/hook',
        description: '',
        events: JSON.stringify(['evidence.stored']),
        enabled: 1,
        disabled_reason: null,
        secret_sealed: 'x',
        previous_secret_sealed: null,
        previous_secret_until: null,
        secret_rotated_at: null,
        created_by: 'o1',
        created_at: now,
        updated_at: now,
      })
      .execute();
    const config = loadConfig({ SIGHTLINE_DATA_DIR: dir });
    const cluster = await connectCluster(config, systemClock, cryptoRandom, silentLogger);
    const { ledger } = await evidencePipeline(
      config,
      db,
      cluster,
      systemClock,
      cryptoRandom,
      'node-a',
      silentLogger,
    );
    const sha256 = 'a'.repeat(64);
    const evidenceId = await ledger.record(
      {
        sessionId: 's1',
        recordingId: null,
        kind: 'master',
        fileName: 'a.mjr',
        mediaType: 'application/octet-stream',
        derivedFrom: [],
        durationMs: null,
      },
      { key: 'sessions/s1/a.mjr', sha256, size: 42 },
    );
    const rows = await db.selectFrom('webhook_deliveries').select(['event_type', 'body', 'state']).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ event_type: 'evidence.stored', state: 'pending' });
    expect(JSON.parse(rows[0]!.body)).toMatchObject({
      type: 'evidence.stored',
      sessionId: 's1',
      data: { evidenceId, kind: 'master', sha256, size: 42 },
    });
  });
});
