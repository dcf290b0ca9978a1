import { pino } from 'pino';

/** Logs requests without the link token that /j/<token> carries in its path. */
export function redactLinkToken(url: string): string {
  return url.replace(/^\/j\/[^/?#]+/, '/j/[redacted]');
}

/** The process logger: JSON lines, with every secret we handle redacted. */
export function createLogger(level: string) {
  return pino({
    level,
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
  });
}
