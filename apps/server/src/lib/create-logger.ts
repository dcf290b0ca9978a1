import { pino } from 'pino';
import { logContext } from './log-context.js';

/** Logs requests without the link token that /j/<token> carries in its path. */
export function redactLinkToken(url: string): string {
  return url.replace(/^\/j\/[^/?#]+/, '/j/[redacted]');
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
