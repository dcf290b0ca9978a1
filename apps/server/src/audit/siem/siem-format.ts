import type { AuditEventsTable } from '../../adapters/db/schema.js';

/**
 * What a SIEM receives for one audit entry, as JSON lines or syslog. Written here rather than
 * with a syslog library: the npm formatters are transports that own their sockets (no say over
 * framing, TLS or when a write counts as done) and none is both RFC 5424-complete and kept up;
 * the header is a few fixed fields, tested in siem-format.test.ts.
 */

/** The audit row as stored (numbers may come back as strings from PostgreSQL's bigint). */
export type AuditRow = Omit<AuditEventsTable, 'seq' | 'at'> & { seq: number | string; at: number | string };

/** One entry as the SIEM gets it: `seq` for gaps and duplicates, `prevHash`/`hash` for the chain. */
export function siemEntry(r: AuditRow) {
  let detail: unknown = null;
  if (r.detail !== null) {
    try {
      detail = JSON.parse(r.detail);
    } catch {
      detail = r.detail;
    }
  }
  return {
    type: 'sightline.audit',
    seq: Number(r.seq),
    id: r.id,
    at: new Date(Number(r.at)).toISOString(),
    actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
    action: r.action,
    subject: r.subject_type === null ? null : { type: r.subject_type, id: r.subject_id },
    detail,
    ip: r.ip,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** One JSON line (newline-terminated). */
export const jsonLine = (r: AuditRow): string => `${JSON.stringify(siemEntry(r))}\n`;

export interface SyslogHeader {
  /** 0-23 (RFC 5424 §6.2.1); 13 is "log audit". */
  facility: number;
  /** 0-7; 6 is "informational". */
  severity: number;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  /** SD-ID of the element carrying seq and hashes, `name@<private enterprise number>`. */
  sdId: string;
}

/** RFC 5424 header fields are printable US-ASCII without spaces, of bounded length; "-" when empty. */
export function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean === '' ? '-' : clean;
}

/** An SD-PARAM value with `"`, `\` and `]` escaped (RFC 5424 §6.3.3). */
const sdValue = (v: string) => v.replace(/["\\\]]/g, (c) => `\\${c}`);

const BOM = '\uFEFF';

/**
 * One RFC 5424 message: PRI, version 1, the entry's own time (UTC, milliseconds), the structured
 * element `[<sdId> seq=… hash=… prevHash=… action=…]` and the entry as JSON in MSG (UTF-8, with
 * the BOM §6.4 asks for). A message longer than `maxBytes` would be refused for ever (UDP) or cut
 * by the receiver (rsyslog keeps 8 KB): MSG then loses the entry's detail, then is cut to fit, and
 * the element says `truncated="true"`; seq, hashes and action are always whole, so the SIEM still
 * sees the chain, and the full entry is in the database.
 */
export function syslogMessage(r: AuditRow, h: SyslogHeader, maxBytes = SYSLOG_MAX_BYTES): string {
  const e = siemEntry(r);
  const header = [
    `<${h.facility * 8 + h.severity}>1`,
    e.at,
    headerField(h.hostname, 255),
    headerField(h.appName, 48),
    headerField(h.procId, 128),
    headerField(h.msgId, 32),
  ].join(' ');
  const sd = (extra: string) =>
    `[${h.sdId} seq="${e.seq}" hash="${e.hash}" prevHash="${e.prevHash}" action="${sdValue(e.action)}"${extra}]`;
  const whole = `${header} ${sd('')} ${BOM}${JSON.stringify(e)}`;
  if (Buffer.byteLength(whole) <= maxBytes) return whole;
  const head = `${header} ${sd(' truncated="true"')} ${BOM}`;
  const msg = JSON.stringify({ ...e, detail: null, truncated: true });
  return head + cutToBytes(msg, maxBytes - Buffer.byteLength(head));
}

/** Default largest syslog message: rsyslog's default maxMessageSize (8 KB), well under UDP's 65,507. */
export const SYSLOG_MAX_BYTES = 8_192;

/** The longest prefix of `text` within `bytes` bytes of UTF-8, never splitting a character. */
function cutToBytes(text: string, bytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= bytes) return text;
  let end = Math.max(0, bytes);
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--; // back to a character's first byte
  return buf.subarray(0, end).toString('utf8');
}

/** RFC 6587 §3.4.1 octet counting (TCP and TLS, RFC 5425): `<length in bytes> <message>`. */
export const octetCounted = (message: string): string => `${Buffer.byteLength(message, 'utf8')} ${message}`;
