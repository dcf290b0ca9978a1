import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(
  resolve(fileURLToPath(new URL('../../..', import.meta.url))),
  'apps/server/bin/sightline.js',
);

/**
 * Adds an officer through the real CLI, as an operator would, creating the database if need be
 * (`env` names it). With no `password` the CLI generates one and prints it once. Returns what the
 * CLI printed.
 */
export function addUserByCli(
  env: NodeJS.ProcessEnv,
  user: { username: string; roles: readonly string[]; name: string; password?: string },
): string {
  return execFileSync(
    process.execPath,
    [
      BIN,
      'user',
      'add',
      // A fresh data directory: the CLI creates the database only when told to.
      '--create-database',
      '--username',
      user.username,
      ...user.roles.flatMap((r) => ['--role', r]),
      '--name',
      user.name,
      ...(user.password === undefined ? [] : ['--password-stdin']),
    ],
    { env, input: user.password, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] },
  );
}
