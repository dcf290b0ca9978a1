import { Command } from 'commander';
import { registerAudit } from './audit.js';
import { registerBackup } from './backup.js';
import { registerEvidence } from './evidence.js';
import { registerKeys } from './keys.js';
import { registerMediaNode } from './media-node.js';
import { registerRetention } from './retention.js';
import { registerUser } from './user.js';

/** Exit code for a usage error (unknown command or flag, missing argument), as in sysexits.h. */
export const EX_USAGE = 64;

/**
 * The whole command tree. Settings made here before the `register*` calls (exit override, help
 * after errors) are inherited by every subcommand created with `.command()`; so each module adds
 * its subcommands with `parent.command(...)`, never with `addCommand(new Command())`.
 */
export function buildProgram(): Command {
  const program = new Command('sightline')
    .description(
      'Sightline administration. Commands that use the database read the same SIGHTLINE_* settings as the ' +
        'server (SIGHTLINE_DATA_DIR, SIGHTLINE_DATABASE_URL, SIGHTLINE_KEY_DIR) and say on stderr which ' +
        'data directory they use. They refuse to run when that directory holds no database, rather than ' +
        'create an empty one (only "user add --create-database" may).',
    )
    // Commander's default is process.exit from deep inside parsing; throwing lets main() map codes.
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError();
  registerUser(program);
  registerAudit(program);
  registerKeys(program);
  registerEvidence(program);
  registerRetention(program);
  registerMediaNode(program);
  registerBackup(program);
  return program;
}
