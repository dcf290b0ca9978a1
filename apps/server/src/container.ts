import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { type Clock, systemClock } from './adapters/clock.js';
import { type Db, migrateToLatest, openDatabase } from './adapters/db/database.js';
import type { JanusConnection } from './adapters/janus/janus-connection.js';
import type { JanusSupervisor } from './adapters/janus/janus-supervisor.js';
import { loadOrCreatePhoneHasher } from './adapters/keys/phone-hasher.js';
import { loadOrCreateSecretBox } from './adapters/keys/secret-box.js';
import { loadOrCreateSigner, type SigningKeys } from './adapters/keys/signer.js';
import { MediaTools } from './adapters/media-tools/media-tools.js';
import { OpenIdProvider } from './adapters/oidc/openid-provider.js';
import { cryptoRandom, type Random } from './adapters/random.js';
import { buildGateways } from './adapters/sms/build-gateways.js';
import { OutboxGateway } from './adapters/sms/outbox-gateway.js';
import { MonitoredEvidenceStore } from './adapters/storage/monitored-evidence-store.js';
import { openEvidenceStore } from './adapters/storage/open-evidence-store.js';
import { StorageHealth } from './adapters/storage/storage-health.js';
import { AmlRepository } from './aml/aml.repository.js';
import { AmlService } from './aml/aml.service.js';
import { ApiClientRepository } from './api-clients/api-client.repository.js';
import { ApiClientService } from './api-clients/api-client.service.js';
import { MachineApiService } from './api-clients/machine-api.service.js';
import { ApprovalRepository } from './approvals/approval.repository.js';
import { ApprovalService } from './approvals/approval.service.js';
import { AuditService } from './audit/audit.service.js';
import { AuditHeadFile, auditHeadPath } from './audit/head-file.js';
import { ReadAudit } from './audit/read-audit.js';
import { buildSiemStreamer } from './audit/siem/siem.js';
import { SiemCursors } from './audit/siem/siem-streamer.js';
import { AuthService } from './auth/auth.service.js';
import { MfaService } from './auth/mfa/mfa.service.js';
import { SsoService } from './auth/oidc/sso.service.js';
import { can } from './auth/permissions.js';
import { ChatService } from './chat/chat.service.js';
import { CheckService } from './checks/check.service.js';
import type { Config } from './config/config.js';
import { connectCluster } from './events/cluster.js';
import type { EventBus } from './events/event-bus.js';
import { EvidenceRepository } from './evidence/evidence.repository.js';
import { EvidenceService } from './evidence/evidence.service.js';
import { EvidenceLedger } from './evidence/evidence-ledger.js';
import { EvidenceViewings } from './evidence/evidence-viewings.js';
import { ExportService } from './evidence/export/export.service.js';
import { SessionManifests } from './evidence/export/session-manifest.js';
import { RecordingIngest } from './evidence/recording-ingest.js';
import { RedactionService } from './evidence/redaction/redaction.service.js';
import { Sealer } from './evidence/sealer.js';
import { ExposureRepository } from './exposure/exposure.repository.js';
import { ExposureService } from './exposure/exposure.service.js';
import { IceServerIssuer } from './ice/ice-servers.js';
import { IncidentRepository } from './incidents/incident.repository.js';
import { IncidentService } from './incidents/incident.service.js';
import { InterpreterRepository } from './interpreters/interpreter.repository.js';
import { InterpreterService } from './interpreters/interpreter.service.js';
import { InviteService } from './invites/invite.service.js';
import { SmsTexts } from './invites/sms-text.js';
import { TextDeliveries } from './invites/text-deliveries.js';
import { JobRunner } from './jobs/job-runner.js';
import { LeaseRepository } from './jobs/lease.repository.js';
import type { Logger } from './lib/logger.js';
import { SerialQueue } from './lib/serial-queue.js';
import { LibraryRepository } from './library/library.repository.js';
import { LibraryService } from './library/library.service.js';
import { LocationService } from './location/location.service.js';
import { MediaService } from './media/media.service.js';
import { MediaPlane } from './media/media-plane.js';
import { EMBEDDED_NODE_ID } from './media/nodes/embedded-node.js';
import type { MediaNodes } from './media/nodes/media-nodes.js';
import { buildMediaTopology } from './media/nodes/media-topology.js';
import { OfficerService } from './officers/officer.service.js';
import type { Metrics } from './operations/metrics.js';
import { buildOperations } from './operations/operations.js';
import type { Readiness } from './operations/readiness.js';
import { FixWatch } from './outcomes/fix-watch.js';
import { OutcomeRepository } from './outcomes/outcome.repository.js';
import { OutcomeService } from './outcomes/outcome.service.js';
import { PresenceRegistry } from './presence/presence-registry.js';
import { ConsentTextRepository } from './privacy/consent-text.repository.js';
import { ConsentTextService } from './privacy/consent-text.service.js';
import { DisposalService } from './retention/disposal.service.js';
import { EvidenceProtection } from './retention/evidence-protection.js';
import { loadPolicies } from './retention/policies.js';
import { RetentionService } from './retention/retention.service.js';
import { SessionRepository } from './sessions/session.repository.js';
import { SessionService } from './sessions/session.service.js';
import { ShareRepository } from './shares/share.repository.js';
import { ShareService } from './shares/share.service.js';
import { CallerSignalling } from './signalling/caller-signalling.js';
import { ConsoleSignalling } from './signalling/console-signalling.js';
import { InterpreterSignalling } from './signalling/interpreter-signalling.js';
import { CallerSide } from './signalling/officer-requests.js';
import { TakeUpRepository } from './take-up/take-up.repository.js';
import { TakeUpService } from './take-up/take-up.service.js';
import { DeviceCopyService } from './uploads/device-copy.service.js';
import { UploadService } from './uploads/upload.service.js';
import type { WebhookService } from './webhooks/webhook.service.js';
import { buildWebhooks } from './webhooks/webhooks.js';

export interface Container {
  config: Config;
  /** This server's name among the instances sharing the database (config.instanceId): it owns leases under it. */
  instanceId: string;
  signer: SigningKeys;
  db: Db;
  clock: Clock;
  /** Domain events: in this process, or shared with the other instances through Redis. */
  events: EventBus;
  /** The Redis client when SIGHTLINE_REDIS_URL is set (shared state, rate limits); null otherwise. */
  redis: Redis | null;
  audit: AuditService;
  /** Audits reads of evidence and personal data, coalescing repeats. */
  reads: ReadAudit;
  officers: OfficerService;
  auth: AuthService;
  /** TOTP for local accounts and the admin's MFA policy. */
  mfa: MfaService;
  /** Officer single sign-on; null when no identity provider is configured. */
  sso: SsoService | null;
  sessions: SessionService;
  /** Sessions shared with field officers, and the officers' positions under them. */
  shares: ShareService;
  invites: InviteService;
  /** Interpreters invited into live calls (issue 13), and their sockets. */
  interpreters: InterpreterService;
  interpreterSockets: InterpreterSignalling;
  /** Several callers' sessions seen together (issue 11). */
  incidents: IncidentService;
  /** Machine clients of /api/v1 (CAD): their keys, scopes and access tokens. */
  apiClients: ApiClientService;
  /** API client and webhook changes waiting for a second admin. */
  approvals: ApprovalService;
  /** What a machine client does through /api/v1. */
  machineApi: MachineApiService;
  location: LocationService;
  /** Network location (AML) messages: intake, matching to sessions, quarantine. */
  aml: AmlService;
  evidence: EvidenceService;
  chat: ChatService;
  uploads: UploadService;
  deviceCopies: DeviceCopyService;
  jobs: JobRunner;
  checks: CheckService;
  exports: ExportService;
  manifests: SessionManifests;
  redactions: RedactionService;
  library: LibraryService;
  /** Pilot workflows' outcomes (triage, bail checks, missing persons). */
  outcomes: OutcomeService;
  /** The missing-person no-fix alert (a leased sweep). */
  fixWatch: FixWatch;
  /** The exposure log (footage seen clearly, distressing marks) and the wellbeing view. */
  exposure: ExposureService;
  /** Callers' anonymous feedback and the take-up report. */
  takeUp: TakeUpService;
  retention: RetentionService;
  disposal: DisposalService;
  recordings: RecordingIngest;
  sealer: Sealer;
  media: MediaService;
  /** The media nodes (Janus servers) this instance places rooms on; the embedded default has one. */
  nodes: MediaNodes;
  plane: MediaPlane;
  /** Whether the evidence store and the spool can be written (alerts, /api/system/status). */
  storage: StorageHealth;
  outbox: OutboxGateway;
  /** Texts sent by the configured gateways, and what became of each. */
  deliveries: TextDeliveries;
  callers: CallerSignalling;
  consoles: ConsoleSignalling;
  /** ICE servers per browser: STUN, and TURN credentials of its own. */
  ice: IceServerIssuer;
  janus: { connection: JanusConnection; supervisor: JanusSupervisor | null };
  /** Prometheus metrics (GET /metrics, with SIGHTLINE_METRICS_TOKEN). */
  metrics: Metrics;
  /** What GET /readyz checks: the database, the evidence store, the media nodes. */
  readiness: Readiness;
  /** Webhook endpoints (admins) and their deliveries; the outbox is written by the services. */
  webhooks: WebhookService;
  /** Starts background work: Janus, expiry sweeps, evidence recovery. */
  start(): Promise<void>;
  /** Stops everything in reverse order. */
  stop(): Promise<void>;
}

export interface ContainerOverrides {
  clock?: Clock;
  random?: Random;
}

const SWEEP_EVERY_MS = 15_000;

/** Builds every adapter and service from the config. The only place that knows how they fit together. */
export async function buildContainer(
  config: Config,
  log: Logger,
  o: ContainerOverrides = {},
): Promise<Container> {
  const clock = o.clock ?? systemClock;
  const random = o.random ?? cryptoRandom;
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const db = openDatabase(config.databaseUrl, log);
  const applied = await migrateToLatest(db);
  if (applied.length) log.info({ applied }, 'database: migrations applied');
  // Before any service: they publish to it from their first action.
  const cluster = await connectCluster(config, clock, random, log.child({ component: 'events' }));
  const { events } = cluster;

  const signer = loadOrCreateSigner(config.keyDir, (err) =>
    log.warn(
      { err, dir: config.keyDir },
      'keys: cannot write the public key files; keep the key list up to date by hand',
    ),
  );
  if (signer.created)
    log.warn(
      { fingerprint: signer.fingerprint, dir: config.keyDir },
      'keys: created a new evidence signing key; back it up',
    );
  // The newest signed checkpoint is also kept beside the key, out of a database-only attacker's reach.
  const audit = new AuditService(db, clock, random, signer, undefined, {
    file: new AuditHeadFile(auditHeadPath(config.keyDir)),
    log,
  });
  const reads = new ReadAudit(audit, clock);
  const officers = new OfficerService(db, clock, random, audit, events);
  // TOTP secrets and SSO ID tokens are sealed with a key beside the signing key, outside the database.
  const signInBox = loadOrCreateSecretBox(config.keyDir, 'sign-in');
  const mfa = new MfaService(db, clock, audit, signInBox);
  const auth = new AuthService(db, clock, random, audit, config.officerSessionMs, events, mfa);
  const sso = config.oidc
    ? new SsoService(
        db,
        clock,
        random,
        audit,
        events,
        auth,
        new OpenIdProvider(config.oidc, clock),
        config.oidc,
        signInBox,
        log.child({ component: 'sso' }),
      )
    : null;
  // Widening API clients and webhooks waits for a second admin; both services register with it.
  const approvals = new ApprovalService(new ApprovalRepository(db), clock, random, audit);
  // Webhook secrets are sealed with a key of their own beside the signing key, outside the database.
  const webhooks = buildWebhooks({
    approvals,
    db,
    config,
    clock,
    random,
    audit,
    box: loadOrCreateSecretBox(config.keyDir, 'webhook-secrets'),
    log: log.child({ component: 'webhooks' }),
  });
  const location = new LocationService(db, clock, events, webhooks.outbox);
  const sessionRepo = new SessionRepository(db);
  const sessions = new SessionService(
    sessionRepo,
    location,
    clock,
    random,
    audit,
    config.callerSessionMs,
    events,
    webhooks.outbox,
  );

  const shares = new ShareService(
    new ShareRepository(db),
    db,
    sessions,
    new IncidentRepository(db),
    audit,
    reads,
    clock,
    random,
    events,
    config.shareMinSeconds,
  );

  const interpreters = new InterpreterService(
    new InterpreterRepository(db),
    sessions,
    audit,
    clock,
    random,
    events,
    { publicUrl: config.publicUrl, openMinutes: config.interpreterLinkMinutes },
    log.child({ component: 'interpreters' }),
  );

  let consoles: ConsoleSignalling | null = null;
  // Caller links in the outbox are sealed with a key beside the signing key, outside the database.
  const outbox = new OutboxGateway(
    db,
    clock,
    random,
    loadOrCreateSecretBox(config.keyDir, 'outbox-links'),
    () => events.publish('outbox.changed', {}),
  );
  // Once a link is opened, expires or its session ends, no one needs it: erase the outbox's copy
  // (once, on the instance where it happened).
  events.subscribeLocal('session.updated', ({ session: s }) => {
    if (s.state === 'sent') return;
    outbox.forget(s.id).catch((err: unknown) => log.error({ err }, 'outbox: erasing a link failed'));
    deliveries.forget(s.id).catch((err: unknown) => log.error({ err }, 'sms: erasing a link failed'));
  });
  // Each text's link is sealed too (for a resend), with its own key; erased once the link is used.
  const deliveries = new TextDeliveries(
    db,
    buildGateways(config.smsGateways, config.sms.senderId, outbox, clock, log.child({ component: 'sms' })),
    sessions,
    clock,
    random,
    loadOrCreateSecretBox(config.keyDir, 'sms-links'),
    log.child({ component: 'sms' }),
    // Declared below with the rest of the operations signals; texts are only sent once it exists.
    (gateway, status) => metrics.smsOutcome(gateway, status),
  );
  const inviteSettings = {
    publicUrl: config.publicUrl,
    agency: config.agency,
    ttlMs: config.inviteTtlMs,
    ttlBoundsMs: config.inviteTtlBoundsMs,
    defaultRegion: config.phoneDefaultRegion,
    senderId: config.sms.senderId,
    texts: new SmsTexts(config.sms.templatesDir),
    missingPersonMaxMs: config.missingPersonMaxMs,
  };
  const invites = new InviteService(
    db,
    sessions,
    deliveries,
    clock,
    random,
    audit,
    inviteSettings,
    config.inviteLimits,
  );
  // Scheduled checks text their links as their windows open, with the same wording and sender.
  const checks = new CheckService(
    db,
    sessions,
    deliveries,
    clock,
    random,
    audit,
    log.child({ component: 'checks' }),
    {
      ...inviteSettings,
      timeZone: config.checks.timeZone,
      limits: config.inviteLimits,
    },
  );

  const evidenceLog = log.child({ component: 'evidence' });
  const storage = new StorageHealth(
    { evidence: config.evidenceDir, spool: config.dataDir },
    clock,
    log.child({ component: 'storage' }),
    events,
  );
  const evidenceRepo = new EvidenceRepository(db);
  const evidenceQueue = new SerialQueue(evidenceLog, 'evidence');
  // The local directory or the S3 bucket, as configured; retention dates and holds reach its lock.
  const rawStore = await openEvidenceStore(config, clock, () => evidenceRepo.holdsAny());
  const store = new MonitoredEvidenceStore(rawStore, storage);
  const protection = new EvidenceProtection(db, store);
  const ledger = new EvidenceLedger(store, evidenceRepo, audit, clock, random, protection, webhooks.outbox);
  const evidence = new EvidenceService(
    evidenceRepo,
    ledger,
    sessions,
    audit,
    evidenceQueue,
    new EvidenceViewings(db, clock, random),
    events,
  );
  const sealer = new Sealer(db, clock, random, config.sealIntervalMs, evidenceLog);
  const aml = new AmlService({
    repo: new AmlRepository(db),
    ledger,
    sessions,
    audit,
    reads,
    clock,
    random,
    events,
    evidenceChanged: (sessionId) => evidence.changed(sessionId),
    settings: {
      matchWindowMs: config.aml?.matchWindowMs ?? 3_600_000,
      retentionMs: config.aml?.retentionMs ?? 7 * 86_400_000,
      defaultRegion: config.phoneDefaultRegion,
    },
  });
  // A new session takes the network locations that arrived for its number before it (on the instance that created it).
  events.subscribeLocal('session.updated', ({ session: s }) => {
    if (s.state !== 'sent') return;
    aml
      .sessionCreated(s.id)
      .catch((err: unknown) => log.error({ err, sessionId: s.id }, 'aml: attaching waiting messages failed'));
  });
  const recordings = new RecordingIngest(
    evidenceRepo,
    ledger,
    sealer,
    new MediaTools(config.tools),
    sessions,
    audit,
    clock,
    random,
    evidenceQueue,
    { spoolDir: config.recordingsDir, workDir: join(config.dataDir, 'work'), nodeId: EMBEDDED_NODE_ID },
    (sessionId) => evidence.changed(sessionId),
    evidenceLog,
  );

  // The embedded Janus, or (SIGHTLINE_MEDIA=nodes) the media nodes registered in the database.
  const topology = await buildMediaTopology(
    config,
    { db, recordings, evidenceRepo, audit, sessions, clock, random },
    log,
  );
  const { nodes, embedded } = topology;
  const plane = new MediaPlane(nodes, embedded?.supervisor ?? null, clock, log, events);
  const media = new MediaService(
    nodes,
    sessions,
    topology.recorder,
    audit,
    clock,
    random,
    { videoBitrate: config.videoBitrate, stallGraceMs: config.mediaStallGraceMs },
    log.child({ component: 'media' }),
    events,
    (sessionId, interpreterId) => interpreters.hasJoined(sessionId, interpreterId),
  );
  const siemCursors = config.siem ? new SiemCursors(db, clock) : null;
  const { metrics, readiness } = buildOperations({
    siem: siemCursors,
    db,
    store: rawStore,
    evidenceDir: config.evidenceStore.kind === 'local' ? config.evidenceDir : null,
    storage,
    nodes,
    media,
    evidenceQueue,
    webhooks: webhooks.repo,
    log,
  });
  // With several instances, what signalling asks of a session's media is relayed to the one holding it.
  const mediaGateway = cluster.gateway(media);
  // Periodic work that must run on one instance at a time takes a named lease first.
  const leases = new LeaseRepository(db, clock);
  // The audit trail to a SIEM, from one instance at a time (docs/operations.md, "SIEM").
  const siem = config.siem
    ? buildSiemStreamer({
        config: config.siem,
        db,
        clock,
        leases,
        instanceId: config.instanceId,
        log: log.child({ component: 'siem' }),
        onSent: (n) => metrics.siemSent(n),
        onFailure: () => metrics.siemFailed(),
      })
    : null;
  const jobs = new JobRunner(db, clock, random, log.child({ component: 'jobs' }), {
    owner: config.instanceId,
    events,
    onDone: webhooks.exportDone,
  });
  const exports = new ExportService(db, ledger, jobs, audit, sessions, signer, clock, {
    workDir: join(config.dataDir, 'work', 'exports'),
    phone: config.manifestPhone,
  });
  const incidents = new IncidentService({
    repo: new IncidentRepository(db),
    sessions,
    invites,
    exports,
    audit,
    reads,
    clock,
    random,
    events,
  });
  const apiClientRepo = new ApiClientRepository(db);
  const apiClients = new ApiClientService(apiClientRepo, clock, random, audit, approvals);
  const machineApi = new MachineApiService({
    repo: apiClientRepo,
    officers,
    invites,
    sessions,
    evidence,
    incidents,
    reads,
    clock,
  });
  const manifests = new SessionManifests(db, signer, audit, config.manifestPhone);
  const redactions = new RedactionService(
    db,
    ledger,
    new MediaTools(config.tools),
    jobs,
    sessions,
    audit,
    { workDir: join(config.dataDir, 'work', 'redactions'), ffmpeg: config.tools.ffmpeg },
    (sessionId) => evidence.changed(sessionId),
  );
  const libraryRepo = new LibraryRepository(db, sessionRepo);
  const hashPhone = loadOrCreatePhoneHasher(config.keyDir);
  const exposure = new ExposureService(
    new ExposureRepository(db),
    sessions,
    audit,
    clock,
    config.viewerProtection,
    async (officer, roles, sessionId) =>
      can(roles, 'session:read') ||
      can(roles, 'evidence:play') ||
      (await shares.holdsLive(officer.id, sessionId)),
  );
  const takeUp = new TakeUpService(new TakeUpRepository(db), sessions, audit, clock, random, {
    feedbackTextMs: config.feedbackTextMs,
  });
  const library = new LibraryService(
    db,
    libraryRepo,
    sessions,
    audit,
    clock,
    random,
    config.phoneDefaultRegion,
    hashPhone,
  );
  const outcomes = new OutcomeService(new OutcomeRepository(db), sessions, audit, clock, random);
  const fixWatch = new FixWatch(db, sessions, audit, clock, config.fixAlertOverrideMs);
  // A fix clears a search's no-fix alert at once, on the instance that stored it.
  events.subscribeLocal('location.fix', ({ sessionId }) => {
    fixWatch
      .fixArrived(sessionId)
      .catch((err: unknown) => log.error({ err, sessionId }, 'fix watch: clearing the alert failed'));
  });
  const retention = new RetentionService(
    db,
    libraryRepo,
    sessions,
    audit,
    clock,
    loadPolicies(config.retention.policiesFile, config.retention.nfpaDays),
    config.retention.unclassifiedDays,
    protection,
  );
  const disposal = new DisposalService(
    db,
    ledger.store,
    sessions,
    audit,
    clock,
    leases,
    {
      instanceId: config.instanceId,
      unclassifiedDays: config.retention.unclassifiedDays,
      intervalMs: config.retention.disposalIntervalMs,
      spoolFor: (id) => [recordings.spoolFor(id), join(config.dataDir, 'device-copy', id)],
      hashPhone,
    },
    log.child({ component: 'retention' }),
  );

  const chat = new ChatService(db, sessions, clock, random, events);
  const uploads = new UploadService(
    db,
    ledger,
    sessions,
    audit,
    clock,
    random,
    { spoolDir: join(config.dataDir, 'uploads'), maxBytes: config.maxUploadBytes },
    (sessionId) => evidence.changed(sessionId),
    storage,
  );
  const deviceCopies = new DeviceCopyService(
    db,
    ledger,
    sessions,
    clock,
    { spoolDir: join(config.dataDir, 'device-copy'), maxSessionBytes: config.deviceCopyMaxBytes },
    (sessionId) => evidence.changed(sessionId),
    storage,
  );
  const callerSide = new CallerSide(
    sessions,
    random,
    cluster.callerState,
    events,
    log.child({ component: 'caller-side' }),
  );
  const iceServers = new IceServerIssuer(config.ice, clock);
  const callers = new CallerSignalling(
    sessions,
    mediaGateway,
    location,
    config.agency,
    iceServers,
    config.maxUploadBytes,
    chat,
    callerSide,
    log.child({ component: 'caller-ws' }),
    events,
    clock,
    config.simulcast,
    interpreters,
    new ConsentTextService(
      new ConsentTextRepository(db),
      { agency: config.agency, privacy: config.privacy, retention: config.retention },
      clock,
    ),
  );
  const interpreterSockets = new InterpreterSignalling(
    interpreters,
    sessions,
    mediaGateway,
    iceServers,
    config.agency,
    log.child({ component: 'interpreter-ws' }),
    events,
  );
  const presence = new PresenceRegistry(
    cluster.presence,
    events,
    clock,
    log.child({ component: 'presence' }),
  );
  consoles = new ConsoleSignalling(
    sessions,
    mediaGateway,
    () => plane.status,
    iceServers,
    events,
    chat,
    callerSide,
    log.child({ component: 'console-ws' }),
    reads,
    presence,
    shares,
    aml,
  );

  const saveMissingTracks = () =>
    void evidence
      .saveMissingLocationTracks((sessionId) => location.track(sessionId))
      .catch((err: unknown) => log.error({ err }, 'evidence: storing missing location tracks failed'));
  // Nothing is lost: what waited in this instance's spool is stored as soon as storage takes writes again.
  events.subscribe('storage.recovered', ({ area }) => {
    uploads
      .retryPending()
      .catch((err: unknown) => log.error({ err }, 'uploads: retry after storage recovery failed'));
    void deviceCopies.retryPending();
    if (area === 'evidence') saveMissingTracks();
    // Recordings whose masters could not be stored (with media nodes, each node retries its own).
    if (embedded && area === 'evidence')
      recordings
        .retryStoreFailed()
        .catch((err: unknown) => log.error({ err }, 'evidence: retry after storage recovery failed'));
  });

  // Once per session, by the instance that ended it.
  events.subscribeLocal('session.ended', ({ sessionId }) => {
    void location
      .track(sessionId)
      .then((track) => evidence.saveLocationTrack(sessionId, track))
      .catch((err: unknown) => log.error({ err, sessionId }, 'evidence: saving the location track failed'));
    void interpreters.endAll(sessionId);
    // Its shares end with it, and with them the field officers' positions.
    shares
      .endForSession(sessionId)
      .catch((err: unknown) => log.error({ err, sessionId }, 'shares: ending a session’s shares failed'));
  });

  // An interpreter's part ended (on the instance where it did): their camera stops wherever the room is.
  events.subscribeLocal('interpreter.ended', ({ sessionId, reason }) => {
    mediaGateway.interpreterMedia(sessionId, { op: 'stop', reason }).catch(() => {}); // no room: nothing to stop
  });

  // Statuses a provider does not call back with (Notify without a callback) are asked for, by one instance.
  const pollTexts = async () => {
    if (await leases.tryAcquire('sms.poll', config.instanceId, SWEEP_EVERY_MS)) await deliveries.poll();
  };
  let sweeper: NodeJS.Timeout | null = null;
  // Expiring is idempotent (conditional updates), but one instance per sweep is enough: whichever
  // holds the lease, renewed on each of its sweeps; another takes over if it stops.
  const expireDue = async () => {
    if (await leases.tryAcquire('sessions.expiry', config.instanceId, SWEEP_EVERY_MS))
      await sessions.expireDue();
    if (await leases.tryAcquire('shares.expiry', config.instanceId, SWEEP_EVERY_MS)) await shares.expireDue();
    // Unmatched and quarantined AML messages past their retention (docs/aml.md).
    if (await leases.tryAcquire('aml.sweep', config.instanceId, SWEEP_EVERY_MS)) await aml.sweep();
    // Callers' free-text feedback past SIGHTLINE_FEEDBACK_TEXT_DAYS (docs/workflows/take-up-report.md).
    if (await leases.tryAcquire('feedback.purge', config.instanceId, SWEEP_EVERY_MS)) await takeUp.purge();
    if (await leases.tryAcquire('webhooks.purge', config.instanceId, SWEEP_EVERY_MS)) await webhooks.purge();
  };
  // The missing-person no-fix alert: one instance sweeps; raising and clearing are compare-and-set.
  let fixWatcher: NodeJS.Timeout | null = null;
  let checkTexts: NodeJS.Timeout | null = null;
  const watchFixes = async () => {
    if (
      await leases.tryAcquire(
        'fixes.watch',
        config.instanceId,
        Math.max(SWEEP_EVERY_MS, config.fixWatchMs * 2),
      )
    )
      await fixWatch.sweep();
  };
  const container: Container = {
    config,
    instanceId: config.instanceId,
    signer,
    db,
    clock,
    events,
    redis: cluster.redis,
    audit,
    reads,
    officers,
    auth,
    mfa,
    sso,
    sessions,
    shares,
    invites,
    incidents,
    apiClients,
    approvals,
    machineApi,
    location,
    aml,
    evidence,
    chat,
    uploads,
    deviceCopies,
    jobs,
    checks,
    exports,
    manifests,
    redactions,
    library,
    outcomes,
    fixWatch,
    exposure,
    takeUp,
    retention,
    disposal,
    recordings,
    sealer,
    media,
    nodes,
    plane,
    storage,
    outbox,
    deliveries,
    callers,
    consoles,
    interpreters,
    interpreterSockets,
    ice: iceServers,
    metrics,
    readiness,
    webhooks: webhooks.service,
    get janus() {
      if (!embedded)
        throw new Error(
          'SIGHTLINE_MEDIA=nodes: this instance runs no Janus (its media nodes are in `nodes`)',
        );
      return { connection: embedded.node.connection, supervisor: embedded.supervisor };
    },
    async start() {
      await topology.start();
      if (embedded) {
        // Recordings left open by a previous run are final now: ingest them. (With media
        // nodes each node does this for its own recordings, never this instance for all.)
        await recordings.recoverUnfinished();
        sealer.start();
      }
      // Tracks whose session ended while the store failed, or as the last run stopped.
      saveMissingTracks();
      audit.start();
      siem?.start();
      cluster.start();
      presence.start();
      await jobs.start();
      // SMPP binds here; a gateway that cannot be reached yet keeps trying (texts fail over meanwhile).
      await deliveries.start();
      disposal.start();
      // Deliveries left pending by a previous run, or by another instance, go out from here too.
      webhooks.dispatcher.start();
      // With media nodes, a restarted node clears its own sessions' flags; other nodes' calls go on.
      if (embedded) await resetPublishingFlags(sessionRepo);
      void uploads
        .retryPending()
        .catch((err: unknown) =>
          log.error({ err }, 'uploads: storing uploads kept from a previous run failed'),
        );
      sweeper = setInterval(() => {
        pollTexts().catch((err: unknown) => log.error({ err }, 'sms: polling statuses failed'));
        expireDue().catch((err: unknown) => log.error({ err }, 'sessions: expiry sweep failed'));
        consoles
          ?.sweep((officerId) => auth.standing(officerId))
          .catch((err: unknown) => log.error({ err }, 'consoles: sign-in sweep failed'));
        // Every instance, for its own spool: copies whose phone never finished are stored anyway.
        deviceCopies
          .finishAbandoned()
          .catch((err: unknown) => log.error({ err }, 'device copies: storing abandoned copies failed'));
      }, SWEEP_EVERY_MS);
      // Every instance looks; each text is claimed by compare-and-set, so it goes once.
      checkTexts = setInterval(() => {
        checks.sendDue().catch((err: unknown) => log.error({ err }, 'checks: sending due texts failed'));
      }, config.checks.pollMs);
      void checks.sendDue().catch((err: unknown) => log.error({ err }, 'checks: sending due texts failed'));
      fixWatcher = setInterval(() => {
        watchFixes().catch((err: unknown) => log.error({ err }, 'fix watch: sweep failed'));
      }, config.fixWatchMs);
      await expireDue();
    },
    async stop() {
      if (sweeper) clearInterval(sweeper);
      if (fixWatcher) clearInterval(fixWatcher);
      if (checkTexts) clearInterval(checkTexts);
      callers.closeAll();
      interpreterSockets.closeAll();
      consoles?.closeAll();
      await media.closeAll('server shutting down').catch(() => {});
      storage.stop();
      jobs.stop();
      await deliveries.close();
      disposal.stop();
      await webhooks.dispatcher.stop();
      await evidence.idle();
      // After the ingests still queued: each one's finish() needs the sealer's running hashes.
      await sealer.stop();
      audit.stop();
      await audit.checkpointNow();
      await siem?.stop();
      await presence.stop();
      // After the last events of the shutdown (rooms closed, views ended, watchers gone) are sent.
      await cluster.stop();
      await topology.stop();
      await db.destroy();
    },
  };
  return container;
}

/**
 * No media survives a restart (rooms died with Janus), so nothing is publishing
 * yet. Sessions keep their state: the caller's page reconnects and publishes again.
 */
async function resetPublishingFlags(repo: SessionRepository): Promise<void> {
  for (const row of await repo.unfinished()) {
    if (row.publishing === 1) await repo.update(row.id, { publishing: 0 });
  }
}
