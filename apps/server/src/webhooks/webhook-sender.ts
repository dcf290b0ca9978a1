import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

/** What one POST to a receiver came to. */
export interface SendResult {
  /** The HTTP status, or null when no answer came (refused, reset, timed out). */
  status: number | null;
  /** The network error, or the start of the answer's body (never more is kept). */
  excerpt: string | null;
}

export interface SendRequest {
  url: URL;
  /** The checked address to connect to (url-guard.ts): the name is not resolved again. */
  address: { address: string; family: 4 | 6 };
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** Bytes of a receiver's answer read, and characters kept: enough to tell an error page from another. */
const EXCERPT_BYTES = 1024;
const EXCERPT_CHARS = 200;

/**
 * POSTs one webhook. Redirects are not followed (a 3xx is a failure like any non-2xx): a receiver
 * must not be able to send the server somewhere its URL check would have refused. The whole
 * exchange, answer included, is bounded by `timeoutMs`.
 */
export function sendWebhook(r: SendRequest): Promise<SendResult> {
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [
        r.address,
      ]);
    else callback(null, r.address.address, r.address.family);
  };
  const request = r.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = request(
      r.url,
      {
        method: 'POST',
        lookup: pinned,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(r.body)),
          'user-agent': 'Sightline-Webhooks/1',
          ...r.headers,
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < EXCERPT_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () =>
          done({
            status: res.statusCode ?? null,
            excerpt: excerpt(Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8')),
          }),
        );
        res.on('error', (err) => done({ status: res.statusCode ?? null, excerpt: err.message }));
      },
    );
    // An answer that has not ended in time is a failure, even if its status line said 200.
    const timer = setTimeout(() => {
      done({ status: null, excerpt: `no answer within ${r.timeoutMs} ms` });
      req.destroy();
    }, r.timeoutMs);
    req.on('error', (err) => done({ status: null, excerpt: excerpt(err.message) }));
    req.end(r.body);
  });
}

function excerpt(text: string): string | null {
  const t = text.replace(/\s+/g, ' ').trim();
  return t === '' ? null : t.slice(0, EXCERPT_CHARS);
}
