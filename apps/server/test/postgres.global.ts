import { startPostgres } from '@sightline/testkit/engines/postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The tier's PostgreSQL cluster (superuser URL of its `postgres` database), or '' on SQLite. */
    postgresAdminUrl: string;
  }
}

/**
 * Global setup of the integration tier. With SIGHTLINE_TEST_DB=postgres it starts one throwaway
 * PostgreSQL cluster for the whole run (each test server makes its own database in it, see
 * test-db.ts) and removes it at the end; otherwise the tier runs on SQLite and this does nothing.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const mode = process.env.SIGHTLINE_TEST_DB ?? 'sqlite';
  if (mode !== 'sqlite' && mode !== 'postgres')
    throw new Error(`SIGHTLINE_TEST_DB=${mode}: expected sqlite (the default) or postgres`);
  if (mode === 'sqlite') {
    project.provide('postgresAdminUrl', '');
    return undefined;
  }
  const pg = await startPostgres();
  project.provide('postgresAdminUrl', pg.url());
  return () => pg.stop();
}
