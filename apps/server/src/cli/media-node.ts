import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../lib/create-logger.js';
import { startMediaNode } from '../media-node/media-node.js';
import { CliError, exitWith } from './context.js';

/** Exit code when another process took this node id over (EX_TEMPFAIL: a supervisor may restart it). */
const TAKEN_OVER = 75;

/** `sightline media-node`: the second role of the same program, beside each Janus. */
export function registerMediaNode(program: Command): void {
  program
    .command('media-node')
    .description(
      "Run as a media node: supervise this machine's Janus, register it in the shared database with a " +
        'heartbeat and its load, seal recordings as they arrive, ingest finished ones into the evidence ' +
        'store, and serve GET /healthz. Runs until SIGTERM or SIGINT. Settings (environment): ' +
        'SIGHTLINE_DATABASE_URL (shared with the servers), SIGHTLINE_JANUS_API_SECRET and ' +
        'SIGHTLINE_JANUS_ADMIN_KEY (required, the same on every server and node), SIGHTLINE_MEDIA_NODE_ID ' +
        '(default: host name; must stay the same across restarts), SIGHTLINE_JANUS_WS_HOST and ' +
        'SIGHTLINE_JANUS_WS_PORT (where Janus listens), SIGHTLINE_MEDIA_NODE_JANUS_URL (where servers reach ' +
        'it), SIGHTLINE_MEDIA_NODE_HEALTH_PORT with SIGHTLINE_HOST (/healthz), SIGHTLINE_RTP_PORT_RANGE, ' +
        'SIGHTLINE_MEDIA_IFACE, SIGHTLINE_DATA_DIR (spool and Janus config), the evidence store settings, ' +
        'and SIGHTLINE_REDIS_URL to tell consoles on every instance at once.',
    )
    .action(exitWith(runMediaNode));
}

async function runMediaNode(): Promise<number> {
  const config = loadConfig();
  // As every command: never start a new, empty database by running in the wrong folder.
  const file = config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl.slice('sqlite:'.length) : null;
  if (file && file !== ':memory:' && !existsSync(file))
    throw new CliError(
      `no Sightline database at ${file}: a media node joins an existing deployment; set SIGHTLINE_DATABASE_URL to the servers' database. Nothing was created.`,
    );
  const log = createLogger(config.logLevel);
  const node = await startMediaNode(config, log);
  let signalled = false;
  const stop = (signal: string) => {
    signalled = true;
    log.info({ signal }, 'media node: shutting down');
    void node.stop();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  await node.stopped;
  return signalled ? 0 : TAKEN_OVER;
}
