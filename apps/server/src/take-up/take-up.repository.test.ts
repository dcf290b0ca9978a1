import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import { TakeUpRepository } from './take-up.repository.js';

// SQLite here (migrations included); take-up.int.test.ts runs the whole path on both databases.
describe('held feedback answers (SQLite)', () => {
  const DAY = 86_400_000;
  const today = 20 * DAY;
  let db: Db;
  let repo: TakeUpRepository;
  const hold = (id: string, heldDay = today) =>
    db
      .insertInto('caller_feedback_pending')
      .values({
        id,
        held_day: heldDay,
        sent_day: 3 * DAY,
        team: 'North',
        mode: 'video',
        language: 'en',
        answer: 'yes',
        text: 'ok',
      })
      .execute();
  const stored = async () => (await db.selectFrom('caller_feedback').select('id').execute()).map((r) => r.id);

  beforeEach(async () => {
    db = openDatabase('sqlite::memory:');
    await migrateToLatest(db);
    repo = new TakeUpRepository(db);
  });
  afterEach(() => db.destroy());

  it('keeps today’s few answers back, then moves them all at five, in random-id order, not answer order', async () => {
    for (const id of ['k', 'c', 'x', 'a']) await hold(id);
    expect(await repo.release(today, 5)).toBe(0);
    expect(await stored()).toEqual([]);
    await hold('m');
    expect(await repo.release(today, 5)).toBe(5);
    expect(await stored()).toEqual(['a', 'c', 'k', 'm', 'x']);
    expect(await db.selectFrom('caller_feedback_pending').selectAll().execute()).toEqual([]);
  });

  it('moves a lone answer the day after it was given', async () => {
    await hold('z', today - DAY);
    expect(await repo.release(today, 5)).toBe(1);
    expect(await stored()).toEqual(['z']);
  });

  it('erases texts by the day the link was sent and keeps the answer', async () => {
    await hold('z', today - DAY);
    await repo.release(today, 5);
    expect(await repo.purgeTexts(3 * DAY)).toBe(0);
    expect(await repo.purgeTexts(3 * DAY + 1)).toBe(1);
    expect(await db.selectFrom('caller_feedback').select(['answer', 'text']).execute()).toEqual([
      { answer: 'yes', text: null },
    ]);
  });
});
