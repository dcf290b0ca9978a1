import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DomainError } from '../../lib/errors.js';
import { describeDatabaseUrl, migrateToLatest, openDatabase } from './database.js';

describe('database URLs', () => {
  it('never shows a PostgreSQL password in what it prints', () => {
    expect(describeDatabaseUrl('postgres://sightline:s3cret@db.internal:5432/sightline')).toBe(
      'postgres://sightline:•••@db.internal:5432/sightline',
    );
    expect(describeDatabaseUrl('postgresql://db/x?user=a&password=s3cret&sslmode=require')).toBe(
      'postgresql://db/x?user=a&password=•••&sslmode=require',
    );
    expect(describeDatabaseUrl('sqlite:/var/lib/sightline/sightline.db')).toBe(
      'sqlite:/var/lib/sightline/sightline.db',
    );
  });

  it('refuses a scheme it does not speak, naming both it does', () => {
    expect(() => openDatabase('mysql://db/x')).toThrow(/sqlite:<path> or postgres:\/\//);
  });
});

describe('text with a NUL character', () => {
  it('is refused as bad input before the database sees it, in values, lists and raw SQL', async () => {
    const db = openDatabase('sqlite::memory:');
    try {
      await migrateToLatest(db);
      const officer = {
        id: 'o1',
        username: 'o1',
        display_name: 'O',
        password_hash: 'x',
        roles: '[]',
        created_at: 1,
      };
      const refused = { name: 'DomainError', code: 'bad_request' } satisfies Partial<DomainError>;
      await expect(
        db
          .insertInto('officers')
          .values({ ...officer, display_name: 'PC\u0000Smith' })
          .execute(),
      ).rejects.toMatchObject(refused);
      await expect(
        db.selectFrom('officers').selectAll().where('id', 'in', ['o1', 'o\u00002']).execute(),
      ).rejects.toMatchObject(refused);
      await expect(sql`select ${'a\u0000'} as x`.execute(db)).rejects.toMatchObject(refused);
      await db.insertInto('officers').values(officer).execute();
      expect(await db.selectFrom('officers').select('id').execute()).toEqual([{ id: 'o1' }]);
    } finally {
      await db.destroy();
    }
  });
});
