import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { CreateOfficerRequest } from '@sightline/protocol';
import { systemClock } from '../adapters/clock.js';
import { migrateToLatest, openDatabase } from '../adapters/db/database.js';
import { loadOrCreateSigner } from '../adapters/keys/signer.js';
import { cryptoRandom } from '../adapters/random.js';
import { AuditService } from '../audit/audit.service.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { DomainError } from '../lib/errors.js';
import { OfficerService } from '../officers/officer.service.js';
import { readPassword } from './prompt.js';

const USAGE = `Usage:
  sightline user add --username <name> --role <role> [--role <role>…] [--name "<display name>"] [--password-stdin]
  sightline user list

Roles: call-handler, supervisor, admin.
Without --password-stdin a password is asked for (hidden) or, with no terminal, generated and printed once.
Reads the same SIGHTLINE_* settings as the server (SIGHTLINE_DATA_DIR, SIGHTLINE_DATABASE_URL).`;

async function main(argv: string[]): Promise<number> {
  const [noun, verb, ...rest] = argv;
  if (noun !== 'user' || (verb !== 'add' && verb !== 'list')) {
    console.error(USAGE);
    return 64;
  }
  const config = loadConfig();
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db);
    const audit = new AuditService(db, systemClock, cryptoRandom, loadOrCreateSigner(config.keyDir));
    const officers = new OfficerService(db, systemClock, cryptoRandom, audit);
    if (verb === 'list') {
      for (const o of await officers.list())
        process.stdout.write(`${o.username}\t${o.displayName}\t${o.roles.join(',')}\n`);
      return 0;
    }
    const { values } = parseArgs({
      args: rest,
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
      console.error(`\n${USAGE}`);
      return 64;
    }
    const officer = await officers.create(input.data, { type: 'system' });
    await audit.record({
      actor: { type: 'system' },
      action: 'cli.user_add',
      subject: { type: 'officer', id: officer.id },
      detail: { osUser: userInfo().username },
    });
    process.stdout.write(`Created ${officer.username} (${officer.roles.join(', ')}).\n`);
    if (generated) process.stdout.write(`Password (shown once): ${password}\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof DomainError) console.error(`error: ${err.message}`);
    else if (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
      console.error(`error: ${err.message}\n\n${USAGE}`);
    else console.error(err);
    process.exit(1);
  },
);
