import { describe, expect, it } from 'vitest';
import { describeDatabaseUrl, openDatabase } from './database.js';

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
