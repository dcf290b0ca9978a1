import { WebhookEvent } from '@sightline/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import { withTransaction } from '../adapters/db/transaction.js';
import { cryptoRandom } from '../adapters/random.js';
import { stableEventId, WebhookOutboxWriter } from './webhook-outbox.js';

describe('WebhookOutboxWriter', () => {
  let db: Db;
  const clock = { t: 1_800_000_000_000, now: () => clock.t };
  const outbox = new WebhookOutboxWriter(clock, cryptoRandom, 30_000);
  const endpoint = async (id: string, events: string[], enabled = 1) =>
    db
      .insertInto('webhook_endpoints')
      .values({
        id,
        url: 'https://cad.example/hook',
        description: '',
        events: JSON.stringify(events),
        enabled,
        disabled_reason: null,
        secret_sealed: 'x',
        previous_secret_sealed: null,
        previous_secret_until: null,
        secret_rotated_at: null,
        created_by: 'admin',
        created_at: 1,
        updated_at: 1,
      })
      .execute();
  const rows = () => db.selectFrom('webhook_deliveries').selectAll().orderBy('scheduled_at').execute();
  const fix = (lat: number) =>
    withTransaction(db, (trx) =>
      outbox.record(trx, {
        type: 'session.location',
        sessionId: 's1',
        occurredAt: clock.now(),
        data: { lat, lon: -0.1, accuracy: 10, fixTime: clock.now() },
      }),
    );

  beforeEach(async () => {
    db = openDatabase('sqlite::memory:');
    await migrateToLatest(db);
    await db
      .insertInto('officers')
      .values({
        id: 'o1',
        username: 'o1',
        display_name: 'O 1',
        password_hash: 'x',
        roles: '[]',
        created_at: 1,
      })
      .execute();
    await db
      .insertInto('sessions')
      .values({
        id: 's1',
        phone_e164: '+447700900001',
        phone_masked: '07700 9•••01',
        reference: 'CAD 7/30NOV',
        state: 'opened',
        created_by: 'o1',
        created_at: 1,
        expires_at: 2,
        token_hash: 'h',
        publishing: 0,
      })
      .execute();
  });
  afterEach(() => db.destroy());

  it('writes one delivery per enabled endpoint subscribed to the event, with the CAD reference and no phone number', async () => {
    await endpoint('a', ['session.opened']);
    await endpoint('b', ['session.ended']);
    await endpoint('c', ['session.opened'], 0);
    await withTransaction(db, (trx) =>
      outbox.record(trx, { type: 'session.opened', sessionId: 's1', occurredAt: clock.now(), data: {} }),
    );
    const [only, ...rest] = await rows();
    expect(rest).toEqual([]);
    expect(only?.endpoint_id).toBe('a');
    const body = WebhookEvent.parse(JSON.parse(only!.body));
    expect(body).toMatchObject({ type: 'session.opened', sessionId: 's1', reference: 'CAD 7/30NOV' });
    expect(only!.body).not.toContain('7700');
  });

  it('writes nothing when the transaction rolls back', async () => {
    await endpoint('a', ['session.opened']);
    await expect(
      withTransaction(db, async (trx) => {
        await outbox.record(trx, { type: 'session.opened', sessionId: 's1', occurredAt: 1, data: {} });
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow();
    expect(await rows()).toEqual([]);
  });

  it('writes an event with a stable id once, however often it is recorded (a retried export)', async () => {
    await endpoint('a', ['export.ready']);
    const e = {
      type: 'export.ready' as const,
      sessionId: 's1',
      occurredAt: 1,
      data: { exportId: 'j1', sessionIds: ['s1'] },
      eventId: stableEventId('export.ready:j1:s1'),
    };
    await withTransaction(db, (trx) => outbox.record(trx, e));
    await withTransaction(db, (trx) => outbox.record(trx, e));
    expect(await rows()).toHaveLength(1);
  });

  it('spaces location events per session and always carries the newest fix', async () => {
    await endpoint('a', ['session.location']);
    await fix(51.1); // sent at once
    await db.updateTable('webhook_deliveries').set({ state: 'delivered', attempts: 1 }).execute();
    clock.t += 1000;
    await fix(51.2); // waits until 30 s after the first
    clock.t += 1000;
    await fix(51.3); // replaces the waiting one
    const all = await rows();
    expect(all).toHaveLength(2);
    expect(Number(all[1]!.scheduled_at) - Number(all[0]!.scheduled_at)).toBe(30_000);
    expect(JSON.parse(all[1]!.body).data.lat).toBe(51.3);
    expect(all[1]!.event_id).toBe(JSON.parse(all[1]!.body).id);
  });
});
