import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What we need to say to Janus; everything else keeps Janus's defaults. */
export interface JanusFiles {
  /** Folder the .jcfg files are written to (inside our data directory). */
  dir: string;
  /** Janus's own library folder holding plugins/, transports/, events/, loggers/. */
  libDir: string;
  wsPort: number;
  /**
   * Address the WebSocket API listens on: loopback for the embedded Janus (only this process
   * talks to it); a media node's private address, so server instances on other machines reach it.
   */
  wsIp?: string;
  apiSecret: string;
  /** Guards room creation in the VideoRoom plugin. */
  adminKey: string;
  rtpPortRange: string;
  iceEnforceList: string | null;
  iceIgnoreList: string | null;
  nat1to1: string | null;
  stunServer: string | null;
  debugLevel: number;
}

const LIB_DIR_CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/janus',
  '/usr/lib/aarch64-linux-gnu/janus',
  '/usr/lib/janus',
  '/opt/janus/lib/janus',
  '/usr/local/lib/janus',
];

/** Finds where the Janus package put its plugins, or null. */
export function findJanusLibDir(): string | null {
  return LIB_DIR_CANDIDATES.find((dir) => existsSync(join(dir, 'plugins', 'libjanus_videoroom.so'))) ?? null;
}

// Only the VideoRoom plugin and the WebSocket transport are needed; loading the
// rest costs memory and opens ports nobody should use.
const DISABLED_PLUGINS = [
  'audiobridge',
  'duktape',
  'echotest',
  'lua',
  'nosip',
  'recordplay',
  'sip',
  'streaming',
  'textroom',
  'videocall',
  'voicemail',
].map((p) => `libjanus_${p}.so`);
const DISABLED_TRANSPORTS = ['http', 'mqtt', 'nanomsg', 'pfunix', 'rabbitmq'].map((t) => `libjanus_${t}.so`);

const DISABLED_EVENT_HANDLERS = ['gelfevh', 'mqttevh', 'nanomsgevh', 'rabbitmqevh', 'sampleevh', 'wsevh'].map(
  (e) => `libjanus_${e}.so`,
);
const DISABLED_LOGGERS = ['libjanus_jsonlog.so'];

const q = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Renders janus.jcfg. */
export function renderCoreConfig(f: JanusFiles): string {
  const nat = [
    'nice_debug = false',
    'ignore_mdns = true',
    f.iceEnforceList ? `ice_enforce_list = ${q(f.iceEnforceList)}` : null,
    f.iceIgnoreList ? `ice_ignore_list = ${q(f.iceIgnoreList)}` : null,
    f.nat1to1 ? `nat_1_1_mapping = ${q(f.nat1to1)}` : null,
    ...(f.stunServer ? stunLines(f.stunServer) : []),
  ].filter((line): line is string => line !== null);
  return `# Written by Sightline at start-up; edits are overwritten.
general: {
  configs_folder = ${q(f.dir)}
  plugins_folder = ${q(join(f.libDir, 'plugins'))}
  transports_folder = ${q(join(f.libDir, 'transports'))}
  events_folder = ${q(join(f.libDir, 'events'))}
  loggers_folder = ${q(join(f.libDir, 'loggers'))}
  debug_level = ${f.debugLevel}
  debug_timestamps = true
  debug_colors = false
  api_secret = ${q(f.apiSecret)}
  server_name = "sightline-media"
  session_timeout = 60
  # Open recordings end in .mjr.tmp and become .mjr when closed, so the
  # evidence pipeline can tell a finished master from one still being written.
  recordings_tmp_ext = "tmp"
  hide_dependencies = true
  protected_folders = ["/bin", "/boot", "/dev", "/etc", "/lib", "/proc", "/sbin", "/sys", "/usr", "/var"]
}
media: {
  rtp_port_range = ${q(f.rtpPortRange)}
  no_media_timer = 2
  slowlink_threshold = 4
}
nat: {
  ${nat.join('\n  ')}
}
plugins: {
  disable = ${q(DISABLED_PLUGINS.join(','))}
}
transports: {
  disable = ${q(DISABLED_TRANSPORTS.join(','))}
}
events: {
  broadcast = false
  disable = ${q(DISABLED_EVENT_HANDLERS.join(','))}
}
loggers: {
  disable = ${q(DISABLED_LOGGERS.join(','))}
}
`;
}

function stunLines(server: string): string[] {
  const [host, port] = server.split(':');
  return [`stun_server = ${q(host ?? server)}`, `stun_port = ${Number(port ?? 3478)}`];
}

/** Renders the WebSocket transport config: loopback unless told otherwise, no admin API. */
export function renderWebsocketConfig(f: JanusFiles): string {
  return `general: {
  json = "plain"
  ws = true
  ws_port = ${f.wsPort}
  ws_ip = ${q(f.wsIp ?? '127.0.0.1')}
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
`;
}

/** Renders the VideoRoom config: no static rooms; rooms are created per session with the admin key. */
export function renderVideoRoomConfig(f: JanusFiles): string {
  return `general: {
  admin_key = ${q(f.adminKey)}
  lock_rtp_forward = true
  string_ids = true
  events = false
}
`;
}

/** Writes all three files. */
export async function writeJanusConfig(f: JanusFiles): Promise<string> {
  await mkdir(f.dir, { recursive: true, mode: 0o700 });
  const core = join(f.dir, 'janus.jcfg');
  await writeFile(core, renderCoreConfig(f), { mode: 0o600 });
  await writeFile(join(f.dir, 'janus.transport.websockets.jcfg'), renderWebsocketConfig(f), { mode: 0o600 });
  await writeFile(join(f.dir, 'janus.plugin.videoroom.jcfg'), renderVideoRoomConfig(f), { mode: 0o600 });
  return core;
}
