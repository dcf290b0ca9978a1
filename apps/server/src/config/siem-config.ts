import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? null : v.trim()));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Streaming the audit trail to a SIEM; config.ts spreads these into its schema. */
export const SIEM_ENV = {
  // Off when unset. file:/path (JSON lines), tcp://host:port (JSON lines), or syslog+udp|tcp|tls://host:port.
  SIEM_TARGET: optional.pipe(
    z
      .string()
      .regex(
        /^(file:\/.+|(tcp|syslog\+udp|syslog\+tcp|syslog\+tls):\/\/[^\s/:]+:\d{1,5}\/?)$/,
        'file:/absolute/path, tcp://host:port, syslog+udp://host:port, syslog+tcp://host:port or syslog+tls://host:port',
      )
      .nullable(),
  ),
  SIEM_FACILITY: int(0, 23).default(13),
  SIEM_SEVERITY: int(0, 7).default(6),
  SIEM_HOSTNAME: optional,
  // RFC 5424 SD-ID: name@<private enterprise number>. 32473 is the number RFC 5612 sets aside for examples.
  // SD-NAME is printable US-ASCII (33-126) except = ] " (and @, the separator here).
  SIEM_SD_ID: z
    .string()
    .regex(
      /^[!#-<>?A-Z[\\^-~]{1,20}@\d{1,11}$/,
      'name@<enterprise number>, e.g. sightline@32473, at most 32 characters',
    )
    .default('sightline@32473'),
  SIEM_TLS_CA: optional,
  SIEM_TLS_CERT: optional,
  SIEM_TLS_KEY: optional,
  SIEM_BATCH: int(1, 5000).default(200),
  // Largest syslog message; longer ones lose their detail (truncated="true"). UDP allows 65,507.
  SIEM_MAX_MESSAGE: int(480, 65_507).default(8_192),
  // After a connection fails, this many of the newest entries it carried are sent again.
  SIEM_RESEND: int(0, 100_000).default(1000),
};

type SiemEnv = { [K in keyof typeof SIEM_ENV]: z.infer<(typeof SIEM_ENV)[K]> };

export type SiemTarget =
  | { kind: 'file'; path: string }
  | { kind: 'json-tcp'; host: string; port: number }
  | { kind: 'syslog'; transport: 'udp' | 'tcp' | 'tls'; host: string; port: number };

export interface SiemConfig {
  target: SiemTarget;
  facility: number;
  severity: number;
  hostname: string;
  sdId: string;
  /** Files (PEM) for syslog+tls: the CA to trust (else the system's), and a client certificate. */
  tls: { ca: string | null; cert: string | null; key: string | null };
  batch: number;
  resend: number;
  /** Largest syslog message in bytes (without TCP's octet count). */
  maxMessageBytes: number;
}

/** The SIEM stream's settings, or null when SIGHTLINE_SIEM_TARGET is unset (off). */
export function shapeSiem(e: SiemEnv, fail: (message: string) => Error): SiemConfig | null {
  if (!e.SIEM_TARGET) return null;
  if ((e.SIEM_TLS_CERT === null) !== (e.SIEM_TLS_KEY === null))
    throw fail('set both SIGHTLINE_SIEM_TLS_CERT and SIGHTLINE_SIEM_TLS_KEY, or neither');
  for (const key of ['SIEM_TLS_CA', 'SIEM_TLS_CERT', 'SIEM_TLS_KEY'] as const) {
    const path = e[key];
    if (path !== null && !existsSync(path)) throw fail(`SIGHTLINE_${key}: no file at ${path}`);
  }
  const t = e.SIEM_TARGET;
  let target: SiemTarget;
  if (t.startsWith('file:')) target = { kind: 'file', path: t.slice('file:'.length) };
  else {
    const url = new URL(t);
    const port = Number(url.port);
    if (port < 1 || port > 65535) throw fail(`SIGHTLINE_SIEM_TARGET: port ${url.port} is out of range`);
    const host = url.hostname;
    target =
      url.protocol === 'tcp:'
        ? { kind: 'json-tcp', host, port }
        : {
            kind: 'syslog',
            transport: url.protocol.slice('syslog+'.length, -1) as 'udp' | 'tcp' | 'tls',
            host,
            port,
          };
  }
  if (target.kind !== 'syslog' || target.transport !== 'tls')
    for (const key of ['SIEM_TLS_CA', 'SIEM_TLS_CERT'] as const)
      if (e[key] !== null) throw fail(`SIGHTLINE_${key} is only for a syslog+tls:// target`);
  return {
    target,
    facility: e.SIEM_FACILITY,
    severity: e.SIEM_SEVERITY,
    hostname: e.SIEM_HOSTNAME ?? hostname(),
    sdId: e.SIEM_SD_ID,
    tls: { ca: e.SIEM_TLS_CA, cert: e.SIEM_TLS_CERT, key: e.SIEM_TLS_KEY },
    batch: e.SIEM_BATCH,
    resend: e.SIEM_RESEND,
    maxMessageBytes: e.SIEM_MAX_MESSAGE,
  };
}
