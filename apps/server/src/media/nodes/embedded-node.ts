import { join } from 'node:path';
import { findJanusLibDir } from '../../adapters/janus/janus-config.js';
import { JanusConnection } from '../../adapters/janus/janus-connection.js';
import { JanusSupervisor } from '../../adapters/janus/janus-supervisor.js';
import { VideoRoomApi } from '../../adapters/janus/videoroom.js';
import { cryptoRandom } from '../../adapters/random.js';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../lib/logger.js';
import { findFreePort } from '../../lib/ports.js';
import { MediaNode } from './media-node.js';

/** The embedded default's only node is called this in the sessions and recordings it holds. */
export const EMBEDDED_NODE_ID = 'embedded';

/** A Janus this process runs (the embedded default, or beside `sightline media-node`). */
export interface SupervisedJanus {
  supervisor: JanusSupervisor;
  /** The WebSocket port it listens on (a free one when the setting is 0). */
  wsPort: number;
}

/** Prepares a supervised Janus with the given secrets; `start()` on the supervisor runs it. */
export async function supervisedJanus(
  config: Config,
  secrets: { apiSecret: string; adminKey: string },
  wsIp: string,
  log: Logger,
): Promise<SupervisedJanus> {
  const j = config.janus;
  const libDir = j.libDir ?? findJanusLibDir();
  if (!libDir)
    throw new Error('Janus plugins not found: install the janus package or set SIGHTLINE_JANUS_LIB_DIR');
  const wsPort = j.wsPort === 0 ? await findFreePort() : j.wsPort;
  const supervisor = new JanusSupervisor(
    j.binary,
    {
      dir: join(config.dataDir, 'janus'),
      libDir,
      wsPort,
      wsIp,
      apiSecret: secrets.apiSecret,
      adminKey: secrets.adminKey,
      rtpPortRange: j.rtpPortRange,
      iceEnforceList: j.iceEnforceList,
      iceIgnoreList: null,
      nat1to1: j.nat1to1,
      stunServer: j.stunServer,
      debugLevel: j.debugLevel,
    },
    log,
  );
  return { supervisor, wsPort };
}

/**
 * The embedded default: one node, the Janus this process supervises (or the external one
 * SIGHTLINE_JANUS_URL names), recording into this machine's spool.
 */
export async function embeddedNode(
  config: Config,
  log: Logger,
): Promise<{ node: MediaNode; supervisor: JanusSupervisor | null }> {
  const j = config.janus;
  const local = (connection: JanusConnection, adminKey: string) =>
    new MediaNode({
      id: EMBEDDED_NODE_ID,
      connection,
      api: new VideoRoomApi(connection, adminKey),
      spoolDir: config.recordingsDir,
      local: true,
    });
  if (j.externalUrl) {
    if (!j.adminKey) throw new Error('SIGHTLINE_JANUS_ADMIN_KEY is required with SIGHTLINE_JANUS_URL');
    const connection = new JanusConnection({
      url: j.externalUrl,
      apiSecret: j.apiSecret ?? undefined,
      logger: log,
    });
    return { node: local(connection, j.adminKey), supervisor: null };
  }
  // Secrets are fresh per start: only this process ever talks to this Janus.
  const secrets = { apiSecret: cryptoRandom.secret(24), adminKey: cryptoRandom.secret(24) };
  const { supervisor, wsPort } = await supervisedJanus(config, secrets, '127.0.0.1', log);
  const connection = new JanusConnection({
    url: `ws://127.0.0.1:${wsPort}`,
    apiSecret: secrets.apiSecret,
    logger: log,
  });
  return { node: local(connection, secrets.adminKey), supervisor };
}
