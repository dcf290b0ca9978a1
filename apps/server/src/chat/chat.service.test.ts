import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import { cryptoRandom } from '../adapters/random.js';
import type { SessionService } from '../sessions/session.service.js';
import { ChatService } from './chat.service.js';

// Two services on two connections to one database file stand for two server instances.
describe('ChatService across instances sharing a database', () => {
  let dir: string;
  let dbs: Db[];
  const clock = { now: () => 1_800_000_000_000 };
  const sessions = { get: async () => ({ state: 'live' }) } as unknown as SessionService;
  const chat = (db: Db) => new ChatService(db, sessions, clock, cryptoRandom, { publish() {} });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chat-'));
    const url = `sqlite:${join(dir, 'db.sqlite')}`;
    dbs = [openDatabase(url), openDatabase(url)];
    await migrateToLatest(dbs[0]!);
    await dbs[0]!
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
    await dbs[0]!
      .insertInto('sessions')
      .values({
        id: 's1',
        phone_e164: '+447700900001',
        phone_masked: '07700 9•••01',
        state: 'live',
        created_by: 'o1',
        created_at: 1,
        expires_at: 2,
        token_hash: 'h',
        publishing: 0,
      })
      .execute();
  });
  afterEach(async () => {
    for (const db of dbs) await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('numbers messages sent through both at once 1…n, with no repeats or gaps', async () => {
    const [a, b] = [chat(dbs[0]!), chat(dbs[1]!)];
    const sent = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2
          ? a.send('s1', { from: 'caller' }, { clientId: `caller-${i}`, text: 'x' })
          : b.send('s1', { from: 'officer', id: 'o1', name: 'O 1' }, { clientId: `officer-${i}`, text: 'y' }),
      ),
    );
    expect(sent.map((m) => m.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect((await a.history('s1')).map((m) => m.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('stores a message resent to the other instance once', async () => {
    const [a, b] = [chat(dbs[0]!), chat(dbs[1]!)];
    const [first, again] = await Promise.all([
      a.send('s1', { from: 'caller' }, { clientId: 'c-1', text: 'help' }),
      b.send('s1', { from: 'caller' }, { clientId: 'c-1', text: 'help' }),
    ]);
    expect(again.id).toBe(first.id);
    expect(await b.history('s1')).toHaveLength(1);
  });
});
