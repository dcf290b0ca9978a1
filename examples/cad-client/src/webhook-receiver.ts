import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { webhooks } from './api.js';

/** Any webhook body, typed from the document's `webhooks` (discriminated on `type`). */
export type WebhookEvent = {
  [K in keyof webhooks]: webhooks[K]['post']['requestBody']['content']['application/json'];
}[keyof webhooks];

/** Sightline's replay window (docs/webhooks.md): refuse a timestamp further than this from our clock. */
export const REPLAY_WINDOW_SECONDS = 300;

export type Verdict = { ok: true } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * Checks `Sightline-Signature: t=..,v1=..` over the raw body, as docs/webhooks.md prescribes: an
 * HMAC-SHA256 of `<t>.<raw body>` with one of `secrets` (two during a rotation), and `t` within
 * the replay window even when the signature matches.
 */
export function verifyWebhook(
  header: string | undefined,
  rawBody: string,
  secrets: readonly string[],
  nowSeconds = Date.now() / 1000,
): Verdict {
  if (!header) return { ok: false, reason: 'malformed' };
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const given = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => v as string);
  if (!Number.isInteger(t) || given.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - t) > REPLAY_WINDOW_SECONDS) return { ok: false, reason: 'stale' };
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
    for (const sig of given) {
      const got = Buffer.from(sig, 'hex');
      if (got.length === expected.length && timingSafeEqual(got, expected)) return { ok: true };
    }
  }
  return { ok: false, reason: 'mismatch' };
}

export interface ReceiverOptions {
  port: number;
  host?: string;
  /** The endpoint secrets (`whsec_…`); the previous one too while a rotation's grace period runs. */
  secrets: readonly string[];
  /** A verified, first-seen event. Store it and return quickly: Sightline waits for the answer. */
  onEvent: (event: WebhookEvent) => void | Promise<void>;
  /** A request refused (bad or stale signature, or an event id already processed). */
  onRefused?: (reason: string) => void;
}

/** Largest body read; Sightline's are well under a kilobyte. */
const MAX_BODY = 64 * 1024;

/**
 * An HTTP receiver for Sightline's webhooks: verifies before parsing, refuses a replayed event id
 * (remembered for the replay window), answers 204 once the event is handled.
 */
export function startWebhookReceiver(options: ReceiverOptions) {
  const seen = new Map<string, number>(); // event id → when first processed (ms)
  const server = createServer(async (req, res) => {
    const raw = await readBody(req).catch(() => null);
    if (req.method !== 'POST' || raw === null) return void res.writeHead(400).end();
    const verdict = verifyWebhook(
      req.headers['sightline-signature'] as string | undefined,
      raw,
      options.secrets,
    );
    if (!verdict.ok) {
      options.onRefused?.(verdict.reason);
      return void res.writeHead(401).end();
    }
    const event = JSON.parse(raw) as WebhookEvent;
    forgetOlderThan(seen, Date.now() - 2 * REPLAY_WINDOW_SECONDS * 1000);
    // A retry of an event we stored (our answer was lost) is acknowledged, not handled twice.
    if (seen.has(event.id)) {
      options.onRefused?.('duplicate');
      return void res.writeHead(204).end();
    }
    seen.set(event.id, Date.now());
    await options.onEvent(event);
    res.writeHead(204).end();
  });
  return new Promise<{ url: string; close(): Promise<void> }>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : options.port;
      resolve({
        url: `http://${options.host ?? '127.0.0.1'}:${port}/`,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections(); // Sightline's keep-alive connections would hold it open
          }),
      });
    });
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) return req.destroy(new Error('body too large'));
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function forgetOlderThan(seen: Map<string, number>, cutoff: number): void {
  for (const [id, at] of seen) if (at < cutoff) seen.delete(id);
}
