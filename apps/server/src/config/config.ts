import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { IceServer } from '@sightline/protocol';
import { z } from 'zod';
import { AML_ENV, shapeAml } from './aml-config.js';
import { PRIVACY_ENV, shapePrivacy } from './privacy-config.js';
import { SIEM_ENV, shapeSiem } from './siem-config.js';
import { OIDC_ENV, shapeOidc } from './sign-in-config.js';
import { SMS_ENV, shapeSmsGateways } from './sms-config.js';
import { shapeViewerProtection, VIEWER_PROTECTION_ENV } from './viewer-protection-config.js';
import { shapeWebhooks, WEBHOOK_ENV } from './webhook-config.js';

/** proxy-addr's named ranges, which Fastify's trustProxy accepts beside addresses and CIDRs. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
/**
 * The reverse proxies whose X-Forwarded-For is believed: addresses, CIDRs or proxy-addr's
 * names, comma-separated. Empty (the default) believes no one. There is deliberately no
 * "trust everyone": then any client could pick the address its sign-in limits apply to.
 */
const trustedProxies = z
  .string()
  .default('')
  .transform((v, ctx) => {
    const list = v
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
    if (list.length === 1 && ['false', 'no', '0', 'none'].includes(list[0]!.toLowerCase())) return [];
    for (const entry of list) {
      if (!isProxyEntry(entry)) {
        ctx.addIssue({
          code: 'custom',
          message: ['true', 'yes', '1'].includes(entry.toLowerCase())
            ? "list the proxies' addresses (e.g. 127.0.0.1 or 10.0.0.0/8): trusting every peer lets any client forge X-Forwarded-For"
            : `"${entry}" is not an IP address, a CIDR (e.g. 10.0.0.0/8) or one of loopback, linklocal, uniquelocal`,
        });
        return z.NEVER;
      }
    }
    return list;
  });
const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .default('false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? null : v.trim()));

/**
 * Every setting, read from environment variables named SIGHTLINE_<KEY>.
 * README.md's configuration table lists the same keys; keep them in step.
 */
const EnvSchema = z.object({
  DATA_DIR: z.string().default('./data'),
  HOST: z.string().default('127.0.0.1'),
  PORT: int(0, 65535).default(8080),
  PUBLIC_URL: optionalString,
  TLS_CERT: optionalString,
  TLS_KEY: optionalString,
  TRUST_PROXY: trustedProxies,
  // GET /metrics answers only with `Authorization: Bearer <token>`; unset, there is no /metrics.
  METRICS_TOKEN: optionalString.pipe(
    z
      .string()
      .min(24, 'at least 24 characters (e.g. openssl rand -hex 32)')
      .regex(/^[A-Za-z0-9._~+/=-]+$/, 'letters, digits and . _ ~ + / = - only (it travels in a header)')
      .nullable(),
  ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // A name ("Thames Valley Police"); unset, each language says "the police" in its own words.
  AGENCY: optionalString.pipe(z.string().min(1).max(80).nullable()),
  SMS_SENDER_ID: z
    .string()
    .regex(/^[A-Za-z0-9 ]{1,11}$/, 'an alphanumeric sender ID of at most 11 characters')
    .default('Police'),
  SMS_TEMPLATES_DIR: optionalString,
  MAX_UPLOAD_MB: int(1, 4096).default(500),
  DEVICE_COPY_MAX_MB: int(1, 65_536).default(4096),
  PHONE_DEFAULT_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default('GB'),
  INVITE_TTL_MINUTES: int(1, 24 * 60).default(30),
  // The range an officer may choose per link (the invite form's "valid for"); the default lies inside it.
  INVITE_TTL_MIN_MINUTES: int(1, 24 * 60).default(5),
  INVITE_TTL_MAX_MINUTES: int(1, 7 * 24 * 60).default(24 * 60),
  // Scheduled checks: the zone a repeat rule's wall-clock times are in, and how often due texts are looked for.
  CHECK_TIME_ZONE: z
    .string()
    .refine(validTimeZone, 'an IANA time zone such as Europe/London')
    .default('Europe/London'),
  CHECK_POLL_SECONDS: int(1, 300).default(15),
  /** How long an interpreter's link may wait to be opened (it works once, and only while the call runs). */
  INTERPRETER_LINK_MINUTES: int(1, 24 * 60).default(30),
  // Invite limits: a number is not flooded with texts, and one account cannot send a stream of them.
  INVITES_PER_NUMBER_HOUR: int(1, 10_000).default(5),
  INVITES_PER_OFFICER_MINUTE: int(1, 10_000).default(10),
  INVITES_PER_OFFICER_HOUR: int(1, 100_000).default(100),
  OFFICER_SESSION_HOURS: int(1, 24).default(12),
  CALLER_SESSION_HOURS: int(1, 48).default(12),
  // The longest a missing-person search's location-only link may be set to run (the invite chooses).
  MISSING_PERSON_MAX_HOURS: int(1, 72).default(24),
  // How often the server checks missing-person searches for phones that stopped sending fixes.
  FIX_WATCH_SECONDS: int(1, 300).default(15),
  // Callers' free-text feedback may name someone: erased this many days after it was given.
  FEEDBACK_TEXT_DAYS: int(1, 3650).default(90),
  // Training and tests only: every search alerts after this many seconds without a position,
  // whatever its invite chose (invites choose whole minutes, and a test should not wait one).
  FIX_ALERT_OVERRIDE_SECONDS: optionalString.pipe(
    z.union([z.null(), z.string().transform(Number).pipe(z.number().int().min(1).max(3600))]),
  ),
  // Unset: SQLite in the data directory. Several instances share one PostgreSQL.
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(
        /^(sqlite:\S+|postgres(ql)?:\/\/\S+)$/,
        'expected sqlite:<file> or postgres://user:password@host:port/database',
      )
      .nullable(),
  ),
  // Names this process among the server instances sharing one database: it owns job and
  // sweeper leases under this name. Unset, each start is a new instance (see defaultInstanceId).
  INSTANCE_ID: optionalString.pipe(
    z
      .string()
      .regex(INSTANCE_ID, 'letters, digits and . _ - : (at most 64), starting with a letter or digit')
      .nullable(),
  ),
  EVIDENCE_DIR: optionalString,
  // Where evidence lives: a local directory (the default), or an S3-compatible bucket.
  EVIDENCE_STORE: z.enum(['local', 's3']).default('local'),
  S3_BUCKET: optionalString.pipe(
    z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)',
      )
      .nullable(),
  ),
  S3_PREFIX: optionalString.pipe(
    z
      .string()
      .regex(
        /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/?$/,
        'segments of letters, digits, ".", "_", "-" joined by "/"',
      )
      .refine((v) => !v.split('/').some((seg) => seg === '.' || seg === '..'), 'no "." or ".." segments')
      .nullable(),
  ),
  S3_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/, message: 'an http(s) URL' }).nullable()),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_FORCE_PATH_STYLE: flag,
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_OBJECT_LOCK: z.enum(['off', 'governance', 'compliance']).default('off'),
  // S3 allows 10,000 parts: 16 MiB parts carry objects up to 160 GB.
  S3_PART_SIZE_MB: int(5, 5120).default(16),
  // Several instances: their events (sessions, chat, location, requests, media relays) go
  // through this Redis. Unset, events stay in this process (one instance, the default).
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\/\S+$/, 'expected redis://[user:password@]host[:port][/db] (or rediss:// for TLS)')
      .nullable(),
  ),
  // Text messages: the outbox (default), GOV.UK Notify, Twilio or SMPP (config/sms-config.ts).
  ...SMS_ENV,
  MAP_TILE_URL: z.string().default('https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
  MAP_ATTRIBUTION: z.string().default('© OpenStreetMap contributors'),
  JANUS_URL: optionalString,
  JANUS_API_SECRET: optionalString,
  JANUS_ADMIN_KEY: optionalString,
  JANUS_BINARY: z.string().default('janus'),
  JANUS_LIB_DIR: optionalString,
  JANUS_WS_PORT: int(0, 65535).default(8188),
  JANUS_DEBUG_LEVEL: int(0, 7).default(4),
  // Where Janus runs: `embedded` (this process runs one, or uses JANUS_URL's) or `nodes`
  // (server instances run none and use the media nodes registered in the database).
  MEDIA: z.enum(['embedded', 'nodes']).default('embedded'),
  // The `sightline media-node` role: its name, where its Janus listens and is reached, /healthz.
  MEDIA_NODE_ID: optionalString.pipe(
    z.string().regex(INSTANCE_ID, 'letters, digits, ".", "_", ":" or "-", at most 64').nullable(),
  ),
  JANUS_WS_HOST: z.string().default('127.0.0.1'),
  MEDIA_NODE_JANUS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^wss?:\/\/\S+$/, 'expected ws://host:port (where server instances reach this Janus)')
      .nullable(),
  ),
  MEDIA_NODE_HEALTH_PORT: int(0, 65535).default(8189),
  MEDIA_NODE_HEARTBEAT_SECONDS: int(1, 60).default(2),
  // Server side: a node silent this long gets no new rooms; this long with recordings open, their loss is audited.
  MEDIA_NODE_STALE_SECONDS: int(2, 600).default(10),
  MEDIA_NODE_LOST_SECONDS: int(5, 86_400).default(300),
  MEDIA_IFACE: optionalString,
  MEDIA_NAT_1_1: optionalString,
  STUN_SERVER: optionalString,
  RTP_PORT_RANGE: z
    .string()
    .regex(/^\d{4,5}-\d{4,5}$/, 'expected e.g. 20000-40000')
    .default('20000-40000'),
  ICE_SERVERS: z.string().default('[]'),
  // TURN (coturn use-auth-secret): browsers get credentials of their own, never the secret.
  TURN_URLS: optionalString,
  TURN_SECRET: optionalString,
  TURN_SECRET_FILE: optionalString,
  TURN_TTL_SECONDS: int(30, 7 * 86_400).default(3600),
  CALLER_ICE_POLICY: z.enum(['all', 'relay']).default('all'),
  VIDEO_BITRATE: int(100_000, 8_000_000).default(2_000_000),
  // true: VP8 callers publish a full and a light simulcast layer (docs/performance.md, "A lighter
  // stream for mobile viewers"). Off by default: on a thin uplink the browser drops the full
  // layer first, and the recording (the evidence) would fall to the light one.
  SIMULCAST: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
    .default('false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  // How long a live caller's media may stay stopped (phone died, tunnel) before the recording
  // is closed and ingested; a caller who returns later starts a new recording segment.
  MEDIA_STALL_GRACE_SECONDS: int(1, 600).default(15),
  // The shortest share a control-room officer may give a field officer (the longest is 12 hours).
  // Lower it only for training and tests, where a share must run out while someone watches.
  SHARE_MIN_SECONDS: int(1, 12 * 3600).default(300),
  KEY_DIR: optionalString,
  SEAL_INTERVAL_SECONDS: int(1, 300).default(10),
  MANIFEST_PHONE: z.enum(['masked', 'hashed', 'full']).default('masked'),
  RETENTION_UNCLASSIFIED_DAYS: int(1, 3650).default(31),
  RETENTION_NFPA_DAYS: int(1, 3650).default(31),
  RETENTION_POLICIES: optionalString,
  DISPOSAL_INTERVAL_MINUTES: int(1, 10_080).default(60),
  JANUS_PP_REC: z.string().default('janus-pp-rec'),
  FFMPEG: z.string().default('ffmpeg'),
  FFPROBE: z.string().default('ffprobe'),
  // Officer single sign-on (OpenID Connect): config/sign-in-config.ts.
  ...OIDC_ENV,
  // Blur and mute until chosen, exposure reporting, shifts and wellbeing thresholds.
  ...VIEWER_PROTECTION_ENV,
  // Webhooks to CAD systems: URL rules, location spacing, retries (config/webhook-config.ts).
  ...WEBHOOK_ENV,
  // The audit trail streamed to a SIEM (config/siem-config.ts).
  ...SIEM_ENV,
  // Network location (AML) messages from the mobile networks (config/aml-config.ts).
  ...AML_ENV,
  // The caller's privacy notice: controller, contacts, the force's own wording (config/privacy-config.ts).
  ...PRIVACY_ENV,
});

const IceServers = z.array(IceServer);

export type Config = ReturnType<typeof shapeConfig>;

/** Thrown at boot when a setting is wrong; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once at boot into a typed, frozen Config. */
function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(EnvSchema.shape)) raw[key] = env[`SIGHTLINE_${key}`];
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  SIGHTLINE_${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return shapeConfig(parsed.data);
}

function shapeConfig(e: z.infer<typeof EnvSchema>) {
  if ((e.TLS_CERT === null) !== (e.TLS_KEY === null)) {
    throw new ConfigError(
      'invalid configuration: set both SIGHTLINE_TLS_CERT and SIGHTLINE_TLS_KEY, or neither',
    );
  }
  for (const key of ['TLS_CERT', 'TLS_KEY'] as const) {
    const path = e[key];
    if (path !== null && !existsSync(path))
      throw new ConfigError(`invalid configuration: SIGHTLINE_${key}: no file at ${path}`);
  }
  if (e.INVITE_TTL_MIN_MINUTES > e.INVITE_TTL_MINUTES || e.INVITE_TTL_MINUTES > e.INVITE_TTL_MAX_MINUTES)
    throw new ConfigError(
      'invalid configuration: SIGHTLINE_INVITE_TTL_MINUTES must lie between SIGHTLINE_INVITE_TTL_MIN_MINUTES and SIGHTLINE_INVITE_TTL_MAX_MINUTES',
    );
  const ice = shapeIce(e);
  const tls = e.TLS_CERT && e.TLS_KEY ? { cert: e.TLS_CERT, key: e.TLS_KEY } : null;
  const publicUrl = parseUrl(e.PUBLIC_URL ?? `${tls ? 'https' : 'http'}://localhost:${e.PORT}`);
  const dataDir = resolve(e.DATA_DIR);
  const evidenceStore = shapeEvidenceStore(e);
  const media = shapeMedia(e);
  return Object.freeze({
    dataDir,
    /** Passed to Fastify's trustProxy: false, or the list of trusted proxy addresses. */
    http: { host: e.HOST, port: e.PORT, tls, trustProxy: e.TRUST_PROXY.length > 0 ? e.TRUST_PROXY : false },
    publicUrl,
    /** Cookies are Secure whenever the public URL is https (always, in production). */
    secureCookies: publicUrl.protocol === 'https:',
    logLevel: e.LOG_LEVEL,
    /** GET /metrics's bearer token; null: the route does not exist (404). */
    metricsToken: e.METRICS_TOKEN,
    agency: e.AGENCY,
    sms: { senderId: e.SMS_SENDER_ID, templatesDir: e.SMS_TEMPLATES_DIR },
    maxUploadBytes: e.MAX_UPLOAD_MB * 1024 * 1024,
    /** All device-copy chunks of one session together (a 2.5 Mbit/s phone recording is ~1.1 GB an hour). */
    deviceCopyMaxBytes: e.DEVICE_COPY_MAX_MB * 1024 * 1024,
    phoneDefaultRegion: e.PHONE_DEFAULT_REGION,
    inviteTtlMs: e.INVITE_TTL_MINUTES * 60_000,
    inviteTtlBoundsMs: { min: e.INVITE_TTL_MIN_MINUTES * 60_000, max: e.INVITE_TTL_MAX_MINUTES * 60_000 },
    checks: { timeZone: e.CHECK_TIME_ZONE, pollMs: e.CHECK_POLL_SECONDS * 1000 },
    interpreterLinkMinutes: e.INTERPRETER_LINK_MINUTES,
    inviteLimits: {
      perNumberHour: e.INVITES_PER_NUMBER_HOUR,
      perOfficerMinute: e.INVITES_PER_OFFICER_MINUTE,
      perOfficerHour: e.INVITES_PER_OFFICER_HOUR,
    },
    officerSessionMs: e.OFFICER_SESSION_HOURS * 3_600_000,
    callerSessionMs: e.CALLER_SESSION_HOURS * 3_600_000,
    /** A missing-person search's longest location window. */
    missingPersonMaxMs: e.MISSING_PERSON_MAX_HOURS * 3_600_000,
    /** The missing-person no-fix sweep's interval. */
    fixWatchMs: e.FIX_WATCH_SECONDS * 1000,
    feedbackTextMs: e.FEEDBACK_TEXT_DAYS * 86_400_000,
    /** Training and tests: one no-fix threshold for every search, overriding the invite's; null: the invite's. */
    fixAlertOverrideMs: e.FIX_ALERT_OVERRIDE_SECONDS === null ? null : e.FIX_ALERT_OVERRIDE_SECONDS * 1000,
    databaseUrl: e.DATABASE_URL ?? `sqlite:${resolve(dataDir, 'sightline.db')}`,
    /** This instance's name in job and sweeper leases; unique among instances sharing the database. */
    instanceId: e.INSTANCE_ID ?? defaultInstanceId(),
    /** Redis for events between instances; null: one instance, events in process. */
    redisUrl: e.REDIS_URL,
    evidenceDir: resolve(e.EVIDENCE_DIR ?? resolve(dataDir, 'evidence')),
    /** `local` keeps evidence in evidenceDir; `s3` in a bucket (then evidenceDir is unused). */
    evidenceStore,
    recordingsDir: resolve(dataDir, 'recordings'),
    /** The Ed25519 signing key lives here, outside the database. */
    keyDir: resolve(e.KEY_DIR ?? resolve(dataDir, 'keys')),
    sealIntervalMs: e.SEAL_INTERVAL_SECONDS * 1000,
    mediaStallGraceMs: e.MEDIA_STALL_GRACE_SECONDS * 1000,
    shareMinSeconds: e.SHARE_MIN_SECONDS,
    manifestPhone: e.MANIFEST_PHONE,
    retention: {
      unclassifiedDays: e.RETENTION_UNCLASSIFIED_DAYS,
      nfpaDays: e.RETENTION_NFPA_DAYS,
      policiesFile: e.RETENTION_POLICIES,
      disposalIntervalMs: e.DISPOSAL_INTERVAL_MINUTES * 60_000,
    },
    /** The audit trail streamed to a SIEM; null: off. */
    siem: shapeSiem(e, (m) => new ConfigError(`invalid configuration: ${m}`)),
    /** The SMS gateway and its fallback, with each one's settings. */
    smsGateways: shapeSmsGateways(e, publicUrl, (m) => new ConfigError(`invalid configuration: ${m}`)),
    map: {
      tileUrl: e.MAP_TILE_URL.trim() === '' ? null : e.MAP_TILE_URL.trim(),
      attribution: e.MAP_ATTRIBUTION,
    },
    janus: {
      externalUrl: e.JANUS_URL,
      apiSecret: e.JANUS_API_SECRET,
      adminKey: e.JANUS_ADMIN_KEY,
      binary: e.JANUS_BINARY,
      libDir: e.JANUS_LIB_DIR,
      wsPort: e.JANUS_WS_PORT,
      debugLevel: e.JANUS_DEBUG_LEVEL,
      iceEnforceList: e.MEDIA_IFACE,
      nat1to1: e.MEDIA_NAT_1_1,
      stunServer: e.STUN_SERVER,
      rtpPortRange: e.RTP_PORT_RANGE,
    },
    /** `embedded` (one Janus, this process's) or `nodes` (media nodes from the database), and the node role's settings. */
    media,
    /** STUN for everyone, TURN credentials issued per browser (ice/ice-servers.ts), the caller's ICE policy. */
    ice,
    videoBitrate: e.VIDEO_BITRATE,
    /** Whether VP8 callers publish simulcast layers (the caller page is told in its welcome). */
    simulcast: e.SIMULCAST,
    tools: { janusPpRec: e.JANUS_PP_REC, ffmpeg: e.FFMPEG, ffprobe: e.FFPROBE },
    /** Officer single sign-on; null when no identity provider is configured (the default). */
    oidc: shapeOidc(e, publicUrl, (m) => new ConfigError(`invalid configuration: ${m}`)),
    /** Blur and mute until chosen, exposure reports, shifts and wellbeing thresholds. */
    viewerProtection: shapeViewerProtection(e),
    webhooks: shapeWebhooks(e),
    /** POST /api/aml's authentication, matching windows and retention; null: no such route. */
    aml: shapeAml(e, tls, (m) => new ConfigError(`invalid configuration: ${m}`)),
    /** The privacy notice linked from the caller's consent screen. */
    privacy: shapePrivacy(e, (m) => new ConfigError(`invalid configuration: ${m}`)),
  });
}

/**
 * Host name, process id and a short random part: unique per start, so a restarted server never
 * mistakes a lease its previous run held for its own (the lease lapses instead).
 */
function defaultInstanceId(): string {
  const host = hostname()
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 40);
  return `${host || 'host'}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/**
 * Media nodes. With `nodes`, every Janus is a media node sharing the cluster's API secret and
 * admin key (server instances and nodes must agree on both), and JANUS_URL (the embedded
 * mode's external Janus) makes no sense. The node role's own requirements: mediaNodeRole().
 */
function shapeMedia(e: z.infer<typeof EnvSchema>) {
  if (e.MEDIA === 'nodes') {
    if (e.JANUS_URL !== null)
      throw new ConfigError(
        'invalid configuration: SIGHTLINE_JANUS_URL is for one external Janus; with SIGHTLINE_MEDIA=nodes server instances find media nodes in the database',
      );
    requireJanusSecrets(e.JANUS_API_SECRET, e.JANUS_ADMIN_KEY, 'with SIGHTLINE_MEDIA=nodes');
  }
  if (e.MEDIA_NODE_STALE_SECONDS < 2 * e.MEDIA_NODE_HEARTBEAT_SECONDS)
    throw new ConfigError(
      'invalid configuration: SIGHTLINE_MEDIA_NODE_STALE_SECONDS must be at least twice SIGHTLINE_MEDIA_NODE_HEARTBEAT_SECONDS (one late heartbeat must not look like a dead node)',
    );
  if (e.MEDIA_NODE_LOST_SECONDS < e.MEDIA_NODE_STALE_SECONDS)
    throw new ConfigError(
      'invalid configuration: SIGHTLINE_MEDIA_NODE_LOST_SECONDS must be at least SIGHTLINE_MEDIA_NODE_STALE_SECONDS',
    );
  return {
    mode: e.MEDIA,
    node: {
      /** This media node's name (the `media-node` role); the host name by default, so it is the same after a restart. */
      id: e.MEDIA_NODE_ID ?? defaultNodeId(),
      wsHost: e.JANUS_WS_HOST,
      /** Advertised Janus URL; null: ws://<wsHost>:<port> (loopback when wsHost is 0.0.0.0). */
      janusUrl: e.MEDIA_NODE_JANUS_URL,
      healthPort: e.MEDIA_NODE_HEALTH_PORT,
      heartbeatMs: e.MEDIA_NODE_HEARTBEAT_SECONDS * 1000,
    },
    staleMs: e.MEDIA_NODE_STALE_SECONDS * 1000,
    lostMs: e.MEDIA_NODE_LOST_SECONDS * 1000,
  };
}

function requireJanusSecrets(apiSecret: string | null, adminKey: string | null, when: string): void {
  const missing = [
    apiSecret === null ? 'SIGHTLINE_JANUS_API_SECRET' : null,
    adminKey === null ? 'SIGHTLINE_JANUS_ADMIN_KEY' : null,
  ].filter((k) => k !== null);
  if (missing.length)
    throw new ConfigError(
      `invalid configuration: ${missing.join(' and ')} required ${when} (the same values on every server instance and media node)`,
    );
}

/** The `sightline media-node` role's settings; refuses without the cluster's Janus secrets. */
export function mediaNodeRole(config: Config) {
  const { apiSecret, adminKey } = config.janus;
  requireJanusSecrets(apiSecret, adminKey, 'for sightline media-node');
  return { ...config.media.node, apiSecret: apiSecret!, adminKey: adminKey! };
}

function defaultNodeId(): string {
  return (
    hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 64) || 'media-node'
  );
}

/**
 * ICE: static servers (STUN) and TURN. A TURN password in SIGHTLINE_ICE_SERVERS would reach
 * every browser for ever, so it is refused: TURN goes through TURN_URLS and the shared secret.
 */
function shapeIce(e: z.infer<typeof EnvSchema>) {
  let staticServers: z.infer<typeof IceServers>;
  try {
    staticServers = IceServers.parse(JSON.parse(e.ICE_SERVERS));
  } catch {
    throw new ConfigError(
      'invalid configuration: SIGHTLINE_ICE_SERVERS: expected a JSON array of RTCIceServer objects',
    );
  }
  if (staticServers.some((s) => s.username !== undefined || s.credential !== undefined))
    throw new ConfigError(
      'invalid configuration: SIGHTLINE_ICE_SERVERS: no usernames or credentials here (every browser would get them); set SIGHTLINE_TURN_URLS and SIGHTLINE_TURN_SECRET for TURN',
    );
  if (e.TURN_SECRET !== null && e.TURN_SECRET_FILE !== null)
    throw new ConfigError(
      'invalid configuration: set SIGHTLINE_TURN_SECRET or SIGHTLINE_TURN_SECRET_FILE, not both',
    );
  let secret = e.TURN_SECRET;
  if (e.TURN_SECRET_FILE !== null) {
    if (!existsSync(e.TURN_SECRET_FILE))
      throw new ConfigError(
        `invalid configuration: SIGHTLINE_TURN_SECRET_FILE: no file at ${e.TURN_SECRET_FILE}`,
      );
    secret = readFileSync(e.TURN_SECRET_FILE, 'utf8').trim();
    if (secret === '')
      throw new ConfigError(
        `invalid configuration: SIGHTLINE_TURN_SECRET_FILE: ${e.TURN_SECRET_FILE} is empty`,
      );
  }
  const urls = (e.TURN_URLS ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  for (const url of urls)
    if (!/^turns?:[^\s?]+(\?transport=(udp|tcp))?$/.test(url))
      throw new ConfigError(
        `invalid configuration: SIGHTLINE_TURN_URLS: "${url}" is not a turn: or turns: URL (e.g. turn:turn.example.org:3478?transport=udp)`,
      );
  if (urls.length > 0 !== (secret !== null))
    throw new ConfigError(
      'invalid configuration: SIGHTLINE_TURN_URLS and SIGHTLINE_TURN_SECRET (or _FILE) go together: set both, or neither',
    );
  // Every caller holds a credential made with the secret and can test guesses against it
  // offline; a guessed secret mints credentials that never expire.
  if (secret !== null && secret.length < 16)
    throw new ConfigError(
      `invalid configuration: SIGHTLINE_TURN_SECRET${e.TURN_SECRET_FILE !== null ? '_FILE' : ''}: the secret must be at least 16 characters (use 32 random bytes, e.g. openssl rand -base64 32)`,
    );
  if (e.CALLER_ICE_POLICY === 'relay' && urls.length === 0)
    throw new ConfigError(
      'invalid configuration: SIGHTLINE_CALLER_ICE_POLICY=relay needs TURN (SIGHTLINE_TURN_URLS and SIGHTLINE_TURN_SECRET): without it no caller could send video',
    );
  return {
    staticServers,
    turn: secret !== null && urls.length > 0 ? { urls, secret, ttlSeconds: e.TURN_TTL_SECONDS } : null,
    callerPolicy: e.CALLER_ICE_POLICY,
  };
}

/** The evidence store's settings; with `s3`, a bucket is required and keys come in pairs. */
function shapeEvidenceStore(e: z.infer<typeof EnvSchema>) {
  if (e.EVIDENCE_STORE === 'local') return { kind: 'local' as const };
  if (e.S3_BUCKET === null)
    throw new ConfigError(
      'invalid configuration: SIGHTLINE_S3_BUCKET is required with SIGHTLINE_EVIDENCE_STORE=s3',
    );
  if ((e.S3_ACCESS_KEY_ID === null) !== (e.S3_SECRET_ACCESS_KEY === null))
    throw new ConfigError(
      'invalid configuration: set both SIGHTLINE_S3_ACCESS_KEY_ID and SIGHTLINE_S3_SECRET_ACCESS_KEY, or neither (the AWS SDK then finds credentials itself)',
    );
  const prefix = e.S3_PREFIX === null ? '' : `${e.S3_PREFIX.replace(/\/$/, '')}/`;
  return {
    kind: 's3' as const,
    bucket: e.S3_BUCKET,
    prefix,
    endpoint: e.S3_ENDPOINT,
    region: e.S3_REGION,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
    credentials:
      e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
        : null,
    objectLock: e.S3_OBJECT_LOCK,
    partSize: e.S3_PART_SIZE_MB * 1024 * 1024,
  };
}

function isProxyEntry(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [ip = '', prefix, ...rest] = entry.split('/');
  const family = isIP(ip);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function parseUrl(value: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
    return url;
  } catch {
    throw new ConfigError(`invalid configuration: SIGHTLINE_PUBLIC_URL: "${value}" is not an http(s) URL`);
  }
}
