import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Clock, systemClock } from '../adapters/clock.js';
import { type Db, migrateToLatest, openDatabase } from '../adapters/db/database.js';
import { JanusConnection } from '../adapters/janus/janus-connection.js';
import type { JanusSupervisor } from '../adapters/janus/janus-supervisor.js';
import { MediaTools } from '../adapters/media-tools/media-tools.js';
import { cryptoRandom, type Random } from '../adapters/random.js';
import { MonitoredEvidenceStore } from '../adapters/storage/monitored-evidence-store.js';
import { openEvidenceStore } from '../adapters/storage/open-evidence-store.js';
import { StorageHealth } from '../adapters/storage/storage-health.js';
import { AuditService } from '../audit/audit.service.js';
import { type Config, mediaNodeRole } from '../config/config.js';
import { type Cluster, connectCluster } from '../events/cluster.js';
import { EvidenceRepository } from '../evidence/evidence.repository.js';
import { EvidenceLedger } from '../evidence/evidence-ledger.js';
import { RecordingIngest } from '../evidence/recording-ingest.js';
import { Sealer } from '../evidence/sealer.js';
import type { Logger } from '../lib/logger.js';
import { SerialQueue } from '../lib/serial-queue.js';
import { LocationService } from '../location/location.service.js';
import { supervisedJanus } from '../media/nodes/embedded-node.js';
import { MediaNodeRepository } from '../media/nodes/media-node.repository.js';
import { EvidenceProtection } from '../retention/evidence-protection.js';
import { SessionRepository } from '../sessions/session.repository.js';
import { SessionService } from '../sessions/session.service.js';
import { WebhookOutboxWriter } from '../webhooks/webhook-outbox.js';
import { startHealthServer } from './health-server.js';
import { NodeHeartbeat, type NodeStatus } from './node-heartbeat.js';
import { NodeRecordings } from './node-recordings.js';

/** A recording with no file this long after it began, and no word from its instance, is empty. */
const ORPHAN_MS = 120_000;
const POLL_MS = 1_000;

export interface MediaNodeRuntime {
  id: string;
  /** Where server instances reach this node's Janus. */
  janusUrl: string;
  spoolDir: string;
  healthUrl: string;
  supervisor: JanusSupervisor;
  status(): NodeStatus;
  /** Resolves when the node stopped by itself (another process took its id over). */
  readonly stopped: Promise<void>;
  /** Stops cleanly: no new rooms, Janus stopped (its files closed), what it held ingested. */
  stop(): Promise<void>;
}

export interface MediaNodeOverrides {
  clock?: Clock;
  random?: Random;
}

/**
 * `sightline media-node`: runs beside one Janus. It supervises that Janus (with the cluster's
 * API secret and admin key, its WebSocket API reachable by the server instances), registers
 * the node in the shared database with a heartbeat and its load, seals recordings as Janus
 * writes them, ingests finished masters into the evidence store, and serves /healthz.
 * At start it recovers only its own unfinished recordings, never another node's.
 */
export async function startMediaNode(
  config: Config,
  log: Logger,
  o: MediaNodeOverrides = {},
): Promise<MediaNodeRuntime> {
  const role = mediaNodeRole(config);
  const clock = o.clock ?? systemClock;
  const random = o.random ?? cryptoRandom;
  const nodeLog = log.child({ node: role.id });
  await mkdir(config.recordingsDir, { recursive: true, mode: 0o700 });
  const db = openDatabase(config.databaseUrl, nodeLog);
  await migrateToLatest(db);
  const nodes = new MediaNodeRepository(db);
  const incarnation = random.id();
  const startedAt = clock.now();

  // Session timeline entries and "evidence updated" reach the consoles on every instance.
  const cluster = await connectCluster(config, clock, random, nodeLog.child({ component: 'events' }));
  const { pipeline, storage } = await evidencePipeline(config, db, cluster, clock, random, role.id, nodeLog);
  // Recordings whose masters could not be stored are stored once the store takes writes again.
  cluster.events.subscribe('storage.recovered', ({ area }) => {
    if (area !== 'evidence') return;
    pipeline.ingest
      .retryStoreFailed()
      .catch((err: unknown) => nodeLog.error({ err }, 'evidence: retry after storage recovery failed'));
  });

  const { supervisor, wsPort } = await supervisedJanus(
    config,
    role,
    role.wsHost,
    nodeLog.child({ component: 'janus' }),
  );
  const localHost = role.wsHost === '0.0.0.0' ? '127.0.0.1' : role.wsHost;
  const janusUrl = role.janusUrl ?? `ws://${localHost}:${wsPort}`;
  // The node's own connection: only to know whether its Janus answers (health, heartbeat).
  const probe = new JanusConnection({
    url: `ws://${localHost}:${wsPort}`,
    apiSecret: role.apiSecret,
    logger: nodeLog.child({ component: 'janus-probe' }),
  });

  const recordings = new NodeRecordings(
    nodes,
    pipeline.ingest,
    clock,
    { nodeId: role.id, pollMs: POLL_MS, orphanMs: ORPHAN_MS },
    nodeLog.child({ component: 'recordings' }),
  );
  let stopping: Promise<void> | null = null;
  let resolveStopped: () => void = () => {};
  const stopped = new Promise<void>((r) => {
    resolveStopped = r;
  });
  const heartbeat = new NodeHeartbeat(
    nodes,
    clock,
    {
      nodeId: role.id,
      incarnation,
      intervalMs: role.heartbeatMs,
      janus: () => ({ pid: supervisor.pid, up: probe.ready }),
      onTakenOver: () => void runtime.stop(),
    },
    nodeLog.child({ component: 'heartbeat' }),
  );
  const row = (stoppedAt: number | null) => ({
    id: role.id,
    janus_url: janusUrl,
    spool_dir: config.recordingsDir,
    health_url: healthUrl,
    incarnation,
    started_at: startedAt,
    heartbeat_at: clock.now(),
    stopped_at: stoppedAt,
    janus_up: 0,
    rooms: 0,
    publishers: 0,
    cpu: 0,
  });
  const health = await startHealthServer(config.http.host, role.healthPort, () => heartbeat.status);
  const healthUrl = `http://${config.http.host}:${health.port}/healthz`;
  // Take the id over, marked stopped: no instance places a room here until recovery is done
  // (and a process still running under this id sees its heartbeat refused and stops).
  await nodes.register(row(startedAt));
  supervisor.on('spawned', () => recordings.janusRestarted(clock.now()));
  // Stops a Janus left by a previous run first (it closes its files), then starts ours.
  await supervisor.start();
  // Nothing placed on this node before now is publishing: its rooms died with the old Janus.
  await nodes.clearPublishing(role.id);
  const recovered = await recordings.recover(startedAt);
  if (recovered) nodeLog.warn({ recovered }, 'media node: recovering recordings left by its previous run');

  await nodes.register(row(null));
  void probe.start();
  // The first heartbeat says so as soon as Janus answers, not an interval later.
  probe.on('connected', () => void heartbeat.beat());
  probe.on('disconnected', () => void heartbeat.beat());
  pipeline.sealer.start();
  recordings.start();
  heartbeat.start();
  nodeLog.info({ janusUrl, spool: config.recordingsDir, health: healthUrl }, 'media node: ready');

  const runtime: MediaNodeRuntime = {
    id: role.id,
    janusUrl,
    spoolDir: config.recordingsDir,
    healthUrl,
    supervisor,
    status: () => heartbeat.status,
    stopped,
    stop() {
      stopping ??= (async () => {
        nodeLog.info('media node: stopping');
        await nodes.stopped(role.id, incarnation, clock.now()).catch(() => {});
        await heartbeat.stop();
        await recordings.stop();
        probe.close();
        // SIGTERM lets Janus close its recordings; they are final then, so ingest them now.
        await supervisor.stop();
        recordings.finishAll();
        await pipeline.queue.idle();
        await pipeline.sealer.stop();
        storage.stop();
        await health.close();
        await cluster.stop();
        await db.destroy();
        resolveStopped();
      })();
      return stopping;
    },
  };
  return runtime;
}

/** The evidence side of a node: sealer, ingest, ledger, on the configured evidence store. */
export async function evidencePipeline(
  config: Config,
  db: Db,
  cluster: Cluster,
  clock: Clock,
  random: Random,
  nodeId: string,
  log: Logger,
) {
  const { events } = cluster;
  const evidenceLog = log.child({ component: 'evidence' });
  // Entries are signed into checkpoints by the server instances (they hold the signing key).
  const audit = new AuditService(db, clock, random, null);
  // Webhooks (`evidence.stored` above all) are written to the shared outbox with the change;
  // the server instances' senders send them (a node has no sender, hence no nudge).
  const webhooks = new WebhookOutboxWriter(clock, random, config.webhooks.locationIntervalMs);
  const sessions = new SessionService(
    new SessionRepository(db),
    new LocationService(db, clock, events, webhooks),
    clock,
    random,
    audit,
    config.callerSessionMs,
    events,
    webhooks,
  );
  const storage = new StorageHealth(
    { evidence: config.evidenceDir, spool: config.dataDir },
    clock,
    log.child({ component: 'storage' }),
    events,
  );
  const repo = new EvidenceRepository(db);
  const store = new MonitoredEvidenceStore(
    await openEvidenceStore(config, clock, () => repo.holdsAny()),
    storage,
  );
  const ledger = new EvidenceLedger(
    store,
    repo,
    audit,
    clock,
    random,
    new EvidenceProtection(db, store),
    webhooks,
  );
  const queue = new SerialQueue(evidenceLog, 'evidence');
  const sealer = new Sealer(db, clock, random, config.sealIntervalMs, evidenceLog);
  const ingest = new RecordingIngest(
    repo,
    ledger,
    sealer,
    new MediaTools(config.tools),
    sessions,
    audit,
    clock,
    random,
    queue,
    { spoolDir: config.recordingsDir, workDir: join(config.dataDir, 'work'), nodeId },
    (sessionId) => events.publish('evidence.updated', { sessionId }),
    evidenceLog,
  );
  return { pipeline: { ingest, sealer, queue }, storage, ledger };
}
