/// <reference path="../types/s3rver.d.ts" />
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/**
 * A real S3 protocol server for tests and `npm run cluster`: s3rver, in a temp folder, on
 * 127.0.0.1 and a free port. It speaks the S3 REST API (SigV4, multipart, ranges) but has no
 * versioning, Object Lock, conditional writes or checksum verification: tests of those check
 * the requests sent, through `recordS3` below.
 */
export interface S3Engine {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Where s3rver keeps its objects (as files), for tests that look behind the API. */
  dir: string;
  /** The SIGHTLINE_* settings that point a server at this bucket. */
  env(o?: { prefix?: string; endpoint?: string }): Record<string, string>;
  stop(): Promise<void>;
}

/** s3rver's fixed credentials (it checks SigV4 signatures made with them). */
const KEY = 'S3RVER';

/** Starts s3rver with one empty bucket. */
export async function startS3(o: { bucket?: string; dir?: string } = {}): Promise<S3Engine> {
  const bucket = o.bucket ?? 'sightline-evidence';
  const dir = o.dir ?? (await mkdtemp(join(tmpdir(), 'sightline-s3-')));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory: dir,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    region: 'us-east-1',
    accessKeyId: KEY,
    secretAccessKey: KEY,
    dir,
    env: (e = {}) => ({
      SIGHTLINE_EVIDENCE_STORE: 's3',
      SIGHTLINE_S3_BUCKET: bucket,
      SIGHTLINE_S3_ENDPOINT: e.endpoint ?? endpoint,
      SIGHTLINE_S3_REGION: 'us-east-1',
      SIGHTLINE_S3_FORCE_PATH_STYLE: 'true',
      SIGHTLINE_S3_ACCESS_KEY_ID: KEY,
      SIGHTLINE_S3_SECRET_ACCESS_KEY: KEY,
      ...(e.prefix ? { SIGHTLINE_S3_PREFIX: e.prefix } : {}),
    }),
    async stop() {
      await server.close().catch(() => {});
      if (!o.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One request as it crossed the wire to the S3 server. */
export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. /bucket/prefix/key */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  size: number;
  /** SHA-256 (hex) of the body as sent. */
  sha256: string;
  /** The body as text when it is small (XML documents), else null. */
  text: string | null;
}

/** A canned answer in place of the server's, for what s3rver cannot do (Object Lock, 412). */
export interface CannedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** Builds an answer from the whole request (its body included), e.g. to keep state between requests. */
export type Responder = (r: RecordedRequest) => CannedResponse;

export interface S3Recorder {
  /** Point the store here instead of at the engine. */
  endpoint: string;
  requests: RecordedRequest[];
  /** Answers requests matching `when` with `response` instead of forwarding them (until removed); a later answer overrides an earlier one. */
  answer(when: (r: RecordedRequest) => boolean, response: CannedResponse | Responder): () => void;
  stop(): Promise<void>;
}

const TEXT_LIMIT = 64 * 1024;

/**
 * A recording HTTP proxy in front of an S3 server: it keeps every request's method, path,
 * headers and body hash, so a test can assert what the store sent where s3rver ignores it
 * (If-None-Match, x-amz-checksum-sha256, Object Lock), and can answer chosen requests as a
 * real S3 would (412 Precondition Failed, 403 for a locked object).
 */
export async function recordS3(target: string): Promise<S3Recorder> {
  const upstream = new URL(target);
  const requests: RecordedRequest[] = [];
  const canned: Array<{ when: (r: RecordedRequest) => boolean; response: CannedResponse | Responder }> = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: req.headers,
      size: 0,
      sha256: '',
      text: null,
    };
    // Canned answers are chosen on the request line and headers, before the body; the newest wins.
    const answer = canned.findLast((c) => c.when(rec));
    const chunks: Buffer[] = [];
    const hash = createHash('sha256');
    req.on('data', (c: Buffer) => {
      hash.update(c);
      rec.size += c.length;
      if (rec.size <= TEXT_LIMIT) chunks.push(c);
    });
    req.on('end', () => {
      rec.sha256 = hash.digest('hex');
      rec.text = rec.size <= TEXT_LIMIT ? Buffer.concat(chunks).toString('utf8') : null;
      requests.push(rec);
      if (!answer) return;
      const response = typeof answer.response === 'function' ? answer.response(rec) : answer.response;
      res.writeHead(response.status, { 'content-type': 'application/xml', ...response.headers });
      res.end(response.body ?? '');
    });
    if (answer) return;
    const out = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    answer(when, response) {
      const entry = { when, response };
      canned.push(entry);
      return () => {
        const i = canned.indexOf(entry);
        if (i >= 0) canned.splice(i, 1);
      };
    },
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** An S3 error document, as a canned answer's body. */
export function s3Error(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}
