import { CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';
import { DomainError } from '../lib/errors.js';
import { CliError } from './context.js';
import { buildProgram, EX_USAGE } from './program.js';

async function main(argv: string[]): Promise<number> {
  process.exitCode = 0;
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
  } catch (err) {
    // Help and version are "errors" with exit code 0; anything else commander throws is a usage
    // error it has already explained on stderr, and no command's action has run.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EX_USAGE;
    throw err;
  }
  return Number(process.exitCode ?? 0);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof DomainError || err instanceof CliError)
      console.error(`error: ${err.message}`);
    else console.error(err);
    process.exit(2);
  },
);
