import { rename } from 'node:fs/promises';
import type { ReadinessResponse } from '@sightline/protocol';
import { type SyntheticCall, syntheticCall } from '@sightline/testkit/caller';
import { ensureClip, RtpSource } from '@sightline/testkit/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/http/app.js';
import { eventually, jsonApi, type OfficerClient, signIn, startServer, type TestServer } from './harness.js';

const TOKEN = 'metrics-token-for-the-operations-test-0123456789';
const source = new RtpSource();
const logLines: string[] = [];
let s: TestServer;
let handler: OfficerClient;
let call: SyntheticCall | null = null;

beforeAll(async () => {
  await source.start(ensureClip());
  s = await startServer({
    env: { SIGHTLINE_METRICS_TOKEN: TOKEN, SIGHTLINE_TRUST_PROXY: 'loopback' },
    logTo: { write: (line: string) => logLines.push(line) },
  });
  handler = await signIn(s, ['call-handler']);
});
afterAll(async () => {
  call?.hangUp();
  await s?.close();
  await source.stop();
});

const readyz = async () => {
  const res = await fetch(`${s.url}/readyz`);
  return { status: res.status, body: (await res.json()) as ReadinessResponse };
};
const metrics = async () => {
  const res = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
};
const gauge = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

describe('operations endpoints', () => {
  it('declares a policy for each of them: health and readiness public, metrics behind its token', () => {
    const policy = (url: string) =>
      s.app.routePolicies.find((r) => r.url === url && r.method === 'GET')?.auth ?? null;
    expect(policy('/healthz')).toEqual({ public: true });
    expect(policy('/readyz')).toEqual({ public: true });
    expect(policy('/metrics')).toEqual({ bearer: 'metrics' });
  });

  it('answers /healthz while the process is up, keeping the media state callers read', async () => {
    const res = await fetch(`${s.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, media: 'up' });
  });

  it('answers /readyz 200 with every check ok, and no address or path in the body', async () => {
    const { status, body } = await readyz();
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.failing).toEqual([]);
    for (const name of ['database', 'evidence', 'janus'] as const) expect(body.checks[name].ok).toBe(true);
    expect(JSON.stringify(body)).not.toContain(s.dataDir);
  });

  it('refuses /metrics without the token or with a wrong one', async () => {
    expect((await fetch(`${s.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('sightline_');
  });

  it('has no /metrics at all when no token is configured', async () => {
    const app = await buildApp({ ...s.c, config: { ...s.c.config, metricsToken: null } } as typeof s.c, {});
    try {
      expect((await app.inject({ url: '/metrics' })).statusCode).toBe(404);
      expect(app.routePolicies.some((r) => r.url === '/metrics')).toBe(false);
    } finally {
      await app.close();
    }
  });

  it('counts a live caller in sightline_live_sessions, and the media node holding its room', async () => {
    expect(gauge(await metrics(), 'sightline_live_sessions')).toBe(0);
    call = await syntheticCall(s.url, jsonApi(handler), source);
    await eventually(async () => gauge(await metrics(), 'sightline_live_sessions') === 1);
    const text = await metrics();
    expect(text).toMatch(/^sightline_media_node_up\{node="[^"]+"\} 1$/m);
    expect(text).toMatch(/^sightline_media_node_rooms\{node="[^"]+"\} 1$/m);
    expect(text).toMatch(/^sightline_media_node_publishers\{node="[^"]+"\} 1$/m);
    // The invite's text went by the outbox gateway.
    expect(text).toMatch(/^sightline_sms_outcomes_total\{gateway="outbox",status="[a-z]+"\} 1$/m);
    expect(text).toMatch(/^sightline_ingest_queue_length \d+$/m);
    expect(text).toContain('process_resident_memory_bytes');
    // A caller whose signal drops is still a live session (the phone may come back); ending it is not.
    expect((await handler.request('POST', `/api/sessions/${call.sessionId}/end`, {})).status).toBe(200);
    call.hangUp();
    call = null;
    await eventually(async () => gauge(await metrics(), 'sightline_live_sessions') === 0);
  });

  it('times requests by route pattern, never by the raw URL', async () => {
    const { sessionId } = await jsonApi(handler)
      .request<{ session: { id: string } }>('POST', '/api/sessions', {
        phone: '07911 123456',
        reference: 'OPS 1',
      })
      .then((r) => ({ sessionId: r.session.id }));
    expect((await handler.request('GET', `/api/sessions/${sessionId}`)).status).toBe(200);
    await fetch(`${s.url}/no/such/${sessionId}`);
    const text = await metrics();
    expect(text).toMatch(
      /^sightline_http_request_duration_seconds_count\{method="GET",route="\/api\/sessions\/:id",status_code="200"\} [1-9]\d*$/m,
    );
    expect(text).toMatch(/route="unmatched",status_code="404"/);
    expect(text).not.toContain(sessionId);
  });

  it('logs each request with the reqId it answered with, taking a well-formed X-Request-Id from the caller', async () => {
    const mine = await handler.request('GET', '/api/sessions', undefined, { 'x-request-id': 'cad-7f3a.42' });
    expect(mine.headers.get('x-request-id')).toBe('cad-7f3a.42');
    const forged = await handler.request('GET', '/api/sessions', undefined, {
      'x-request-id': 'forged"} id with spaces',
    });
    const given = forged.headers.get('x-request-id')!;
    expect(given).toMatch(/^[0-9a-f-]{36}$/);
    const lines = () => logLines.map((l) => JSON.parse(l) as { reqId?: string; msg?: string });
    await eventually(() => lines().some((l) => l.reqId === given && l.msg === 'request completed'));
    const mineLines = lines().filter((l) => l.reqId === 'cad-7f3a.42');
    expect(mineLines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['incoming request', 'request completed']),
    );
  });

  it('answers /readyz 503 naming the evidence store while its directory is gone', async () => {
    const dir = s.c.config.evidenceDir;
    // The call ended above is stored first, so this test sees only the directory going.
    await eventually(async () => gauge(await metrics(), 'sightline_ingest_queue_length') === 0);
    await rename(dir, `${dir}.away`);
    try {
      // Answers are cached for a second: the next round sees the directory gone.
      const { status, body } = await eventually(async () => {
        const r = await readyz();
        return r.status === 503 ? r : null;
      });
      expect(status).toBe(503);
      expect(body.failing).toEqual(['evidence']);
      expect(body.checks.evidence).toMatchObject({ ok: false, error: 'unreachable' });
      expect(JSON.stringify(body)).not.toContain(dir);
    } finally {
      await rename(`${dir}.away`, dir);
    }
    await eventually(async () => (await readyz()).status === 200);
  });

  it('answers /readyz 503 naming janus once Janus is stopped, while /healthz still answers', async () => {
    await s.c.janus.supervisor!.stop();
    const { status, body } = await eventually(async () => {
      const r = await readyz();
      return r.status === 503 ? r : null;
    });
    expect(status).toBe(503);
    expect(body.failing).toEqual(['janus']);
    expect(body.checks.janus.error).toMatch(/no media node answers/);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    expect(await metrics()).toMatch(/^sightline_media_node_up\{node="[^"]+"\} 0$/m);
  });
});
