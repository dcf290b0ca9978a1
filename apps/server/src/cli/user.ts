import { userInfo } from 'node:os';
import {
  AccountChangeReason,
  type AccountChangeResult,
  CreateOfficerRequest,
  Role,
} from '@sightline/protocol';
import type { Command } from 'commander';
import { systemClock } from '../adapters/clock.js';
import { loadOrCreateSecretBox } from '../adapters/keys/secret-box.js';
import { cryptoRandom } from '../adapters/random.js';
import { MfaService } from '../auth/mfa/mfa.service.js';
import { OfficerService } from '../officers/officer.service.js';
import { type CliContext, CliError, exitWith, out, withContext } from './context.js';
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
    .option(
      '--role <role>',
      'call-handler, supervisor, admin, dpo or field-officer; repeat for several',
      collect,
      [],
    )
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
    .description('List officer accounts: username, display name, roles, and "disabled" if so.')
    .action(
      exitWith(() =>
        withContext(async ({ db, audit, events }) => {
          const officers = new OfficerService(db, systemClock, cryptoRandom, audit, events);
          // Disabled accounts are listed too (they can be enabled again), marked as such.
          for (const o of await officers.list())
            out(
              `${o.username}\t${o.displayName}\t${o.roles.join(',')}${o.disabledAt === null ? '' : '\tdisabled'}`,
            );
          return 0;
        }),
      ),
    );

  // Break-glass: whoever has a shell on the server acts without a second admin's approval.
  // The service applies these at once and audits them with breakGlass, plus the OS user here.
  const BREAK_GLASS =
    "\nRun on the server, this is the break-glass path: it applies at once, without the second admin an\nadmin in the console needs, and is audited as such (with your OS user name). The last active admin\ncannot be disabled or lose the admin role. A running server sees the change on the officer's next\nrequest, and closes their open consoles within its next sweep.";

  user
    .command('disable')
    .description('Disable an account: it can no longer sign in, and every sign-in of it ends.')
    .argument('<username>')
    .requiredOption('--reason <text>', 'why (recorded in the audit trail)')
    .addHelpText('after', BREAK_GLASS)
    .action(
      exitWith((username: string, o: { reason: string }) =>
        accountChange('disable', username, o.reason, async (svc, id, reason) => {
          const a = await svc.disable(id, reason, { type: 'system' });
          return `Disabled ${a.username}.`;
        }),
      ),
    );

  user
    .command('enable')
    .description('Enable a disabled account again.')
    .argument('<username>')
    .requiredOption('--reason <text>', 'why (recorded in the audit trail)')
    .addHelpText('after', BREAK_GLASS)
    .action(
      exitWith((username: string, o: { reason: string }) =>
        accountChange('enable', username, o.reason, async (svc, id, reason) => {
          const a = await svc.enable(id, reason, { type: 'system' });
          return `Enabled ${a.username}.`;
        }),
      ),
    );

  user
    .command('roles')
    .description("Set an account's roles to exactly the ones given.")
    .argument('<username>')
    .option(
      '--role <role>',
      'call-handler, supervisor, admin, dpo or field-officer; repeat for several',
      collect,
      [],
    )
    .requiredOption('--reason <text>', 'why (recorded in the audit trail)')
    .addHelpText('after', BREAK_GLASS)
    .action(
      exitWith((username: string, o: { role: string[]; reason: string }) => {
        const roles = Role.array().min(1).safeParse(o.role);
        if (!roles.success) {
          console.error(
            'error: --role: give one or more of call-handler, supervisor, admin, dpo, field-officer',
          );
          return Promise.resolve(64);
        }
        return accountChange('roles', username, o.reason, async (svc, id, reason) =>
          rolesLine(await svc.setRoles(id, roles.data, reason, { type: 'system' })),
        );
      }),
    );

  user
    .command('reset-password')
    .description('Set a new password; every sign-in of the account ends.')
    .argument('<username>')
    .requiredOption('--reason <text>', 'why (recorded in the audit trail)')
    .option('--password-stdin', 'read the password from stdin', false)
    .addHelpText(
      'after',
      `\nWithout --password-stdin the password is asked for (hidden) or, with no terminal, generated and\nprinted once.${BREAK_GLASS}`,
    )
    .action(
      exitWith(async (username: string, o: { reason: string; passwordStdin: boolean }) => {
        let shown: string | null = null;
        return accountChange('reset-password', username, o.reason, async (svc, id, reason) => {
          const { password, generated } = await newPassword(o.passwordStdin);
          if (password.length < 12 || password.length > 256)
            throw new CliError('the password must be 12 to 256 characters');
          if (generated) shown = password;
          await svc.resetPassword(id, password, reason, { type: 'system' });
          return `Password reset for ${username}; every sign-in of it has ended.${
            shown ? `\nPassword (shown once): ${shown}` : ''
          }`;
        });
      }),
    );
  user
    .command('reset-mfa')
    .description("Remove an account's two-step sign-in (TOTP and recovery codes), e.g. a lost phone.")
    .argument('<username>')
    .requiredOption('--reason <text>', 'why (recorded in the audit trail)')
    .addHelpText(
      'after',
      `\nIf the MFA policy requires it, the account sets up TOTP again at its next sign-in.${BREAK_GLASS}`,
    )
    .action(
      exitWith(async (username: string, o: { reason: string }) =>
        accountChange('reset-mfa', username, o.reason, async (_svc, id, reason, { db, audit, config }) => {
          const mfa = new MfaService(db, systemClock, audit, loadOrCreateSecretBox(config.keyDir, 'sign-in'));
          const had = await mfa.reset(id, reason, { type: 'system' });
          return had
            ? `Two-step sign-in removed for ${username}.`
            : `${username} had no two-step sign-in; nothing to remove.`;
        }),
      ),
    );
}

/** Runs one account change as the CLI (break-glass): checks the reason, finds the account, audits the OS user. */
async function accountChange(
  verb: string,
  username: string,
  reasonText: string,
  change: (svc: OfficerService, officerId: string, reason: string, ctx: CliContext) => Promise<string>,
): Promise<number> {
  const reason = AccountChangeReason.safeParse(reasonText);
  if (!reason.success) {
    console.error(`error: --reason: ${reason.error.issues[0]?.message ?? 'invalid'}`);
    return 64;
  }
  return withContext(async (ctx) => {
    const { db, audit, events } = ctx;
    const officers = new OfficerService(db, systemClock, cryptoRandom, audit, events);
    const row = await officers.findByUsername(username);
    if (!row) throw new CliError(`no officer with the username "${username}"`);
    const said = await change(officers, row.id, reason.data, ctx);
    await audit.record({
      actor: { type: 'system' },
      action: `cli.user_${verb.replace('-', '_')}`,
      subject: { type: 'officer', id: row.id },
      detail: { osUser: userInfo().username, reason: reason.data },
    });
    out(said);
    return 0;
  });
}

function rolesLine(r: AccountChangeResult): string {
  return `${r.officer.username} now has: ${r.officer.roles.join(', ') || 'no roles'}.`;
}

async function newPassword(fromStdin: boolean): Promise<{ password: string; generated: boolean }> {
  if (fromStdin) return { password: (await readStdin()).replace(/\r?\n$/, ''), generated: false };
  if (process.stdin.isTTY)
    return { password: await readPassword('New password (12+ characters): '), generated: false };
  return { password: cryptoRandom.secret(18), generated: true };
}

async function addUser(opts: AddOptions): Promise<number> {
  return withContext(
    async ({ db, audit, events }) => {
      const officers = new OfficerService(db, systemClock, cryptoRandom, audit, events);
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
