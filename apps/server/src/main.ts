import { ConfigError, loadConfig } from './config/config.js';
import { buildContainer } from './container.js';
import { buildApp } from './http/app.js';
import { createLogger } from './lib/create-logger.js';

/** Boots the server: config, container, HTTP, then background work. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  // Several instances log to one place: every line names the instance it came from.
  const log = createLogger(config.logLevel).child({ instance: config.instanceId });
  const container = await buildContainer(config, log);
  const app = await buildApp(container, { logger: log });
  await container.start();
  await app.listen({ host: config.http.host, port: config.http.port });
  const address = app.server.address();
  const port = address && typeof address === 'object' ? address.port : config.http.port;
  log.info(
    {
      port,
      publicUrl: config.publicUrl.toString(),
      media:
        container.config.media.mode === 'nodes'
          ? `media nodes: ${container.nodes.healthy().length} reachable`
          : container.janus.supervisor
            ? 'managed janus'
            : 'external janus',
    },
    'sightline: ready',
  );
  if ((await container.officers.count()) === 0) {
    log.warn(
      'no officer accounts yet: create an administrator with `npx sightline user add --username <name> --role admin`',
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'sightline: shutting down');
    await app.close();
    await container.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('sightline: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
