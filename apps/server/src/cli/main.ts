import { ConfigError } from '../config/config.js';
import { DomainError } from '../lib/errors.js';
import { AUDIT_USAGE, auditCommand } from './audit.js';
import { EVIDENCE_USAGE, evidenceCommand } from './evidence.js';
import { KEYS_USAGE, keysCommand } from './keys.js';
import { RETENTION_USAGE, retentionCommand } from './retention.js';
import { USER_USAGE, userCommand } from './user.js';

const COMMANDS: Record<
  string,
  { usage: string; run: (verb: string | undefined, args: string[]) => Promise<number> }
> = {
  user: { usage: USER_USAGE, run: userCommand },
  audit: { usage: AUDIT_USAGE, run: auditCommand },
  keys: { usage: KEYS_USAGE, run: keysCommand },
  evidence: { usage: EVIDENCE_USAGE, run: evidenceCommand },
  retention: { usage: RETENTION_USAGE, run: retentionCommand },
};

const USAGE = `Usage:
${Object.values(COMMANDS)
  .map((c) => c.usage)
  .join('\n')}

Commands that use the database read the same SIGHTLINE_* settings as the server
(SIGHTLINE_DATA_DIR, SIGHTLINE_DATABASE_URL, SIGHTLINE_KEY_DIR).`;

async function main(argv: string[]): Promise<number> {
  const [noun, verb, ...rest] = argv;
  const command = noun ? COMMANDS[noun] : undefined;
  const code = command ? await command.run(verb, rest) : 64;
  if (code === 64) console.error(USAGE);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof DomainError) console.error(`error: ${err.message}`);
    else if (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
      console.error(`error: ${err.message}\n\n${USAGE}`);
    else console.error(err);
    process.exit(2);
  },
);
