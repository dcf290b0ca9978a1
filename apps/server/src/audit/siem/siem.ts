import type { Clock } from '../../adapters/clock.js';
import type { Db } from '../../adapters/db/database.js';
import type { SiemConfig } from '../../config/siem-config.js';
import type { LeaseRepository } from '../../jobs/lease.repository.js';
import type { Logger } from '../../lib/logger.js';
import { type AuditRow, jsonLine, octetCounted, syslogMessage } from './siem-format.js';
import { SiemCursors, SiemStreamer } from './siem-streamer.js';
import { openTransport } from './siem-transport.js';

/** Stable RFC 5424 identity of every message: a SIEM can route on APP-NAME and MSGID. */
export const SIEM_APP_NAME = 'sightline';
export const SIEM_MSGID = 'audit';

/** How each entry is framed for the configured target. */
export function frameFor(c: SiemConfig, procId: string): (row: AuditRow) => string {
  if (c.target.kind !== 'syslog') return jsonLine;
  const header = {
    facility: c.facility,
    severity: c.severity,
    hostname: c.hostname,
    appName: SIEM_APP_NAME,
    procId,
    msgId: SIEM_MSGID,
    sdId: c.sdId,
  };
  // UDP: one message per datagram (RFC 5426); TCP and TLS: octet counting (RFC 6587, RFC 5425).
  return c.target.transport === 'udp'
    ? (row) => syslogMessage(row, header, c.maxMessageBytes)
    : (row) => octetCounted(syslogMessage(row, header, c.maxMessageBytes));
}

/** The audit trail's SIEM stream for this instance (it streams while it holds the lease). */
export function buildSiemStreamer(d: {
  config: SiemConfig;
  db: Db;
  clock: Clock;
  leases: LeaseRepository;
  instanceId: string;
  log: Logger;
  onSent?: (entries: number) => void;
  onFailure?: () => void;
}): SiemStreamer {
  const t = d.config.target;
  // The trail names officers, sessions and addresses: on the wire it should be encrypted.
  if (t.kind === 'json-tcp' || (t.kind === 'syslog' && t.transport !== 'tls'))
    d.log.warn(
      { target: t.kind === 'json-tcp' ? 'tcp' : `syslog+${t.transport}` },
      'siem: the audit trail is sent unencrypted; use syslog+tls:// unless the network between is trusted',
    );
  return new SiemStreamer({
    cursors: new SiemCursors(d.db, d.clock),
    leases: d.leases,
    owner: d.instanceId,
    transport: openTransport(d.config),
    frame: frameFor(d.config, d.instanceId),
    batch: d.config.batch,
    resend: d.config.resend,
    log: d.log,
    ...(d.onSent ? { onSent: d.onSent } : {}),
    ...(d.onFailure ? { onFailure: d.onFailure } : {}),
  });
}
