import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { CreateOfficerRequest } from '@sightline/protocol';
import { systemClock } from '../adapters/clock.js';
import { cryptoRandom } from '../adapters/random.js';
import { OfficerService } from '../officers/officer.service.js';
import { out, withContext } from './context.js';
import { readPassword } from './prompt.js';

export const USER_USAGE = `  sightline user add --username <name> --role <role> [--role <role>…] [--name "<display name>"] [--password-stdin]
  sightline user list
      Roles: call-handler, supervisor, admin, dpo. Without --password-stdin the password is asked for
      (hidden) or, with no terminal, generated and printed once.`;

/** `sightline user add|list`. */
export async function userCommand(verb: string | undefined, args: string[]): Promise<number> {
  if (verb !== 'add' && verb !== 'list') return 64;
  return withContext(async ({ db, audit }) => {
    const officers = new OfficerService(db, systemClock, cryptoRandom, audit);
    if (verb === 'list') {
      for (const o of await officers.list()) out(`${o.username}\t${o.displayName}\t${o.roles.join(',')}`);
      return 0;
    }
    const { values } = parseArgs({
      args,
      options: {
        username: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string', multiple: true },
        'password-stdin': { type: 'boolean', default: false },
      },
      strict: true,
    });
    let password: string;
    let generated = false;
    if (values['password-stdin']) {
      password = (await readStdin()).replace(/\r?\n$/, '');
    } else if (process.stdin.isTTY) {
      password = await readPassword('Password (12+ characters): ');
    } else {
      password = cryptoRandom.secret(18);
      generated = true;
    }
    const input = CreateOfficerRequest.safeParse({
      username: values.username,
      displayName: values.name ?? values.username,
      password,
      roles: values.role ?? [],
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
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
