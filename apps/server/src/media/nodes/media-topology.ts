import type { Clock } from '../../adapters/clock.js';
import type { Db } from '../../adapters/db/database.js';
import { JanusConnection } from '../../adapters/janus/janus-connection.js';
import type { JanusSupervisor } from '../../adapters/janus/janus-supervisor.js';
import { VideoRoomApi } from '../../adapters/janus/videoroom.js';
import type { Random } from '../../adapters/random.js';
import type { AuditService } from '../../audit/audit.service.js';
import type { Config } from '../../config/config.js';
import type { EvidenceRepository } from '../../evidence/evidence.repository.js';
import type { RecordingIngest } from '../../evidence/recording-ingest.js';
import type { Logger } from '../../lib/logger.js';
import type { SessionService } from '../../sessions/session.service.js';
import { LocalRecorder, type Recorder, RemoteRecorder } from '../recorder.js';
import { embeddedNode } from './embedded-node.js';
import { MediaNode } from './media-node.js';
import { MediaNodeRepository } from './media-node.repository.js';
import { MediaNodes } from './media-nodes.js';
import { NodeDiscovery } from './node-discovery.js';

/** How often a server instance reads the media_nodes table in cluster mode. */
const DISCOVERY_POLL_MS = 2_000;

/** Where this server instance's media comes from, as the container wires it. */
export interface MediaTopology {
  nodes: MediaNodes;
  /** The embedded default: the Janus this process runs (or the external one). Null in cluster mode. */
  embedded: { node: MediaNode; supervisor: JanusSupervisor | null } | null;
  /** Embedded: this process seals and ingests. Cluster: the node holding the files does. */
  recorder: Recorder;
  /** Starts the embedded Janus, or reads the nodes table (so nodes are known before calls arrive). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface TopologyDeps {
  db: Db;
  recordings: RecordingIngest;
  evidenceRepo: EvidenceRepository;
  audit: AuditService;
  sessions: SessionService;
  clock: Clock;
  random: Random;
}

/**
 * `SIGHTLINE_MEDIA=embedded` (the default): one node, the Janus this process supervises.
 * `nodes`: no Janus here; every media node registered in the database with a fresh heartbeat,
 * one connection each, with the cluster's API secret and admin key.
 */
export async function buildMediaTopology(
  config: Config,
  d: TopologyDeps,
  log: Logger,
): Promise<MediaTopology> {
  const repo = new MediaNodeRepository(d.db);
  const nodes = new MediaNodes(repo);
  if (config.media.mode === 'embedded') {
    const embedded = await embeddedNode(config, log.child({ component: 'janus' }));
    nodes.add(embedded.node);
    return {
      nodes,
      embedded,
      recorder: new LocalRecorder(d.recordings),
      start: async () => {
        await embedded.supervisor?.start();
        nodes.start();
      },
      stop: async () => {
        nodes.close();
        await embedded.supervisor?.stop();
      },
    };
  }
  // Both are required in this mode (config.ts refuses to start without them).
  const apiSecret = config.janus.apiSecret!;
  const adminKey = config.janus.adminKey!;
  const janusLog = log.child({ component: 'janus' });
  const discovery = new NodeDiscovery(
    nodes,
    repo,
    (row) => {
      const connection = new JanusConnection({
        url: row.janus_url,
        apiSecret,
        logger: janusLog.child({ node: row.id }),
      });
      return new MediaNode({
        id: row.id,
        connection,
        api: new VideoRoomApi(connection, adminKey),
        spoolDir: row.spool_dir,
        local: false,
      });
    },
    d.audit,
    d.sessions,
    d.clock,
    { pollMs: DISCOVERY_POLL_MS, staleMs: config.media.staleMs, lostMs: config.media.lostMs },
    log.child({ component: 'media-nodes' }),
  );
  return {
    nodes,
    embedded: null,
    recorder: new RemoteRecorder(d.evidenceRepo, d.clock, d.random),
    start: () => discovery.start(),
    stop: async () => {
      await discovery.stop();
      nodes.close();
    },
  };
}
