import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * PostgreSQL's own dump and restore tools (Debian's postgresql-client), found on PATH or in
 * /usr/lib/postgresql/<version>/bin (newest first). Null when not installed.
 */
export function findPgTool(name: 'pg_dump' | 'pg_restore'): string | null {
  for (const dir of (process.env.PATH ?? '').split(':'))
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', name))) return join(root, v, 'bin', name);
  return null;
}

/**
 * The URL without its password, and the password for PGPASSWORD: a password in the arguments
 * would show in every process listing.
 */
function connection(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), env: password ? { ...process.env, PGPASSWORD: password } : process.env };
}

/** Runs a tool; its stderr (never the password) becomes the error's message. */
async function tool(path: string, args: string[], databaseUrl: string, flag: string): Promise<void> {
  const c = connection(databaseUrl);
  try {
    await run(path, [...args, `${flag}=${c.url}`], { env: c.env, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(
      `${path.split('/').pop()} failed: ${(e.stderr || e.message).trim().split('\n').slice(0, 5).join('; ')}`,
    );
  }
}

/** pg_dump of the database as `snapshot` (pg_export_snapshot) sees it, in the custom format. */
export const pgDump = (path: string, databaseUrl: string, snapshot: string, file: string) =>
  tool(
    path,
    ['--format=custom', `--snapshot=${snapshot}`, '--no-owner', '--no-privileges', `--file=${file}`],
    databaseUrl,
    '--dbname',
  );

/** pg_restore of a custom-format dump into an empty database, stopping at the first error. */
export const pgRestore = (path: string, databaseUrl: string, file: string) =>
  tool(
    path,
    ['--exit-on-error', '--no-owner', '--no-privileges', '--single-transaction', file],
    databaseUrl,
    '--dbname',
  );
