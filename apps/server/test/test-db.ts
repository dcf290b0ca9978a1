import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** Which database the integration tier runs on: SIGHTLINE_TEST_DB=postgres, else SQLite. */
export const testDatabase: 'sqlite' | 'postgres' = inject('postgresAdminUrl') ? 'postgres' : 'sqlite';

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('postgresAdminUrl') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A new, empty PostgreSQL database in the tier's cluster, or null on SQLite (a server then keeps
 * its own file in its data directory, as by default).
 */
export async function freshDatabase(): Promise<FreshDatabase | null> {
  const adminUrl = inject('postgresAdminUrl');
  if (!adminUrl) return null;
  const name = `sightline_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | null = null;
  return {
    url: url.toString(),
    drop: () => {
      dropped ??= admin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
      return dropped;
    },
  };
}
