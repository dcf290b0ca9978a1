import { pino } from 'pino';
import { logContext } from './log-context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A path segment that looks like a random secret (base64url of 16 bytes or more), not a UUID. */
const SECRET_SEGMENT = /^[A-Za-z0-9_-]{22,}$/;

/**
 * Logs requests without the token a link carries in its path: the caller's /j/<token>, the
 * interpreter's /i/<token>, and any other long base64url segment (an invitation, a check), since
 * whoever reads the log could otherwise open the link first and join a live call. Ids (UUIDs)
 * stay, so a line can still be traced to its session.
 */
export function redactLinkToken(url: string): string {
  const cut = url.search(/[?#]/);
  const path = cut === -1 ? url : url.slice(0, cut);
  const rest = cut === -1 ? '' : url.slice(cut);
  const segments = path.split('/').map((segment, i, all) => {
    if (i === 2 && (all[1] === 'j' || all[1] === 'i') && segment !== '') return '[redacted]';
    return SECRET_SEGMENT.test(segment) && !UUID.test(segment) ? '[redacted]' : segment;
  });
  return segments.join('/') + rest;
}

/**
 * The process logger: JSON lines, with every secret we handle redacted, and no key twice.
 * pino writes a child's bindings, then the call's own fields, without merging them, so
 * `child({ component }).child({ component })` or a room logger bound to `sessionId` that also
 * logs `{ sessionId }` gave lines with a repeated key, which many log tools reject or misread.
 * Each line is therefore rewritten with one value per key, the most specific (last) winning.
 */
export function createLogger(level: string, destination: { write(line: string): unknown } = process.stdout) {
  return pino(
    {
      level,
      // The request, socket or job being served (lib/log-context.ts): its ids on every line.
      mixin: () => logContext(),
      formatters: {
        // `{ pid }` from a caller is a child process's; the line's own `pid` stays the server's.
        log: (object) => {
          if (!('pid' in object)) return object;
          const { pid, ...rest } = object;
          return { childPid: pid, ...rest };
        },
      },
      redact: {
        // Cookies, CSRF tokens, link tokens and passwords must never reach a log.
        paths: [
          'req.headers.cookie',
          'req.headers["x-csrf-token"]',
          'res.headers["set-cookie"]',
          'body.password',
          'body.token',
          'apiSecret',
          'apisecret',
        ],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { method: string; url: string; ip?: string }) => ({
          method: req.method,
          url: redactLinkToken(req.url),
          ip: req.ip,
        }),
        err: pino.stdSerializers.err,
      },
    },
    { write: (line: string) => destination.write(oneValuePerKey(line)) },
  );
}

/** Re-serialises a JSON line so each key appears once (JSON.parse keeps the last value). */
export function oneValuePerKey(line: string): string {
  try {
    return `${JSON.stringify(JSON.parse(line))}\n`;
  } catch {
    return line;
  }
}
