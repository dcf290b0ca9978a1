import { userInfo } from 'node:os';
import { CreateOfficerRequest } from '@sightline/protocol';
import type { Command } from 'commander';
import { systemClock } from '../adapters/clock.js';
import { cryptoRandom } from '../adapters/random.js';
import { OfficerService } from '../officers/officer.service.js';
import { exitWith, out, withContext } from './context.js';
import { readPassword } from './prompt.js';

interface AddOptions {
  username: string;
  name?: string;
  role: string[];
  passwordStdin: boolean;
  createDatabase: boolean;
}

/** `--role a --role b` collects into a list. */
const collect = (value: string, previous: string[]) => [...previous, value];

/** `sightline user …`: officer accounts. */
export function registerUser(program: Command): void {
  const user = program.command('user').description('Manage officer accounts.');

  user
    .command('add')
    .description('Create an officer account.')
    .requiredOption('--username <name>', 'sign-in name')
    .option('--name <display name>', 'name shown in the console and the audit trail (default: the username)')
    .option('--role <role>', 'call-handler, supervisor, admin or dpo; repeat for several', collect, [])
    .option('--password-stdin', 'read the password from stdin', false)
    .option(
      '--create-database',
      'create the database if the data directory has none (first account of a new deployment)',
      false,
    )
    .addHelpText(
      'after',
      '\nWithout --password-stdin the password is asked for (hidden) or, with no terminal, generated and\nprinted once. Passwords are at least 12 characters.',
    )
    .action(exitWith((opts: AddOptions) => addUser(opts)));

  user
    .command('list')
    .description('List officer accounts: username, display name, roles.')
    .action(
      exitWith(() =>
        withContext(async ({ db, audit }) => {
          const officers = new OfficerService(db, systemClock, cryptoRandom, audit);
          for (const o of await officers.list()) out(`${o.username}\t${o.displayName}\t${o.roles.join(',')}`);
          return 0;
        }),
      ),
    );
}

async function addUser(opts: AddOptions): Promise<number> {
  return withContext(
    async ({ db, audit }) => {
      const officers = new OfficerService(db, systemClock, cryptoRandom, audit);
      let password: string;
      let generated = false;
      if (opts.passwordStdin) {
        password = (await readStdin()).replace(/\r?\n$/, '');
      } else if (process.stdin.isTTY) {
        password = await readPassword('Password (12+ characters): ');
      } else {
        password = cryptoRandom.secret(18);
        generated = true;
      }
      const input = CreateOfficerRequest.safeParse({
        username: opts.username,
        displayName: opts.name ?? opts.username,
        password,
        roles: opts.role,
      });
      if (!input.success) {
        for (const issue of input.error.issues)
          console.error(`error: ${issue.path.join('.') || 'input'}: ${issue.message}`);
        return 64;
      }
      const officer = await officers.create(input.data, { type: 'system' });
      await audit.record({
        actor: { type: 'system' },
        action: 'cli.user_add',
        subject: { type: 'officer', id: officer.id },
        detail: { osUser: userInfo().username },
      });
      out(`Created ${officer.username} (${officer.roles.join(', ')}).`);
      if (generated) out(`Password (shown once): ${password}`);
      return 0;
    },
    { createDatabase: opts.createDatabase },
  );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
