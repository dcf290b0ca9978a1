import { describe, expect, it } from 'vitest';
import { type MetricSources, Metrics, type NodeSample } from './metrics.js';

function sources(over: Partial<MetricSources> = {}): MetricSources {
  return {
    liveSessions: async () => 0,
    mediaNodes: () => [],
    ingestQueue: () => ({ length: 0, oldestMs: 0 }),
    queuedJobs: async () => [],
    webhookBacklog: async () => ({ pending: 0, dead: 0 }),
    ...over,
  };
}

const node = (id: string, up: boolean, rooms = 0): NodeSample => ({
  id,
  up,
  rooms,
  publishers: rooms,
  viewers: 2 * rooms,
  cpu: 0.25,
});

describe('Metrics', () => {
  it('reads live sessions, media nodes, the ingest queue and jobs at scrape time', async () => {
    let live = 0;
    let nodes = [node('embedded', true, 1), node('node-b', false)];
    const m = new Metrics(
      sources({
        liveSessions: async () => live,
        mediaNodes: () => nodes,
        ingestQueue: () => ({ length: 3, oldestMs: 1500 }),
        queuedJobs: async () => [{ type: 'export', count: 2, oldestMs: 4000 }],
        webhookBacklog: async () => ({ pending: 5, dead: 1 }),
      }),
    );
    expect(await m.expose()).toMatch(/^sightline_live_sessions 0$/m);
    live = 1;
    const text = await m.expose();
    expect(text).toMatch(/^sightline_live_sessions 1$/m);
    expect(text).toMatch(/^sightline_media_node_up\{node="embedded"\} 1$/m);
    expect(text).toMatch(/^sightline_media_node_up\{node="node-b"\} 0$/m);
    expect(text).toMatch(/^sightline_media_node_rooms\{node="embedded"\} 1$/m);
    expect(text).toMatch(/^sightline_media_node_viewers\{node="embedded"\} 2$/m);
    expect(text).toMatch(/^sightline_ingest_queue_length 3$/m);
    expect(text).toMatch(/^sightline_ingest_queue_lag_seconds 1.5$/m);
    expect(text).toMatch(/^sightline_jobs_queued\{type="export"\} 2$/m);
    expect(text).toMatch(/^sightline_webhook_backlog\{state="pending"\} 5$/m);
    expect(text).toMatch(/^sightline_webhook_backlog\{state="dead"\} 1$/m);
    // A node that is gone is no longer reported (its last value does not linger).
    nodes = [node('embedded', true)];
    expect(await m.expose()).not.toContain('node-b');
  });

  it('labels HTTP latency by route pattern and counts SMS outcomes by gateway and status', async () => {
    const m = new Metrics(sources());
    m.observeHttp('GET', '/api/sessions/:id', 200, 0.012);
    m.observeHttp('GET', '/api/sessions/:id', 200, 0.3);
    m.smsOutcome('twilio', 'sent');
    m.smsOutcome('twilio', 'sent');
    m.smsOutcome('outbox', 'failed');
    const text = await m.expose();
    expect(text).toMatch(
      /^sightline_http_request_duration_seconds_count\{method="GET",route="\/api\/sessions\/:id",status_code="200"\} 2$/m,
    );
    expect(text).toMatch(
      /^sightline_http_request_duration_seconds_bucket\{le="0.025",method="GET",route="\/api\/sessions\/:id",status_code="200"\} 1$/m,
    );
    expect(text).toMatch(/^sightline_sms_outcomes_total\{gateway="twilio",status="sent"\} 2$/m);
    expect(text).toMatch(/^sightline_sms_outcomes_total\{gateway="outbox",status="failed"\} 1$/m);
  });

  it("includes Node's default process metrics, and keeps two servers' registries apart", async () => {
    const a = new Metrics(sources());
    const b = new Metrics(sources());
    a.smsOutcome('notify', 'delivered');
    expect(await a.expose()).toContain('process_cpu_user_seconds_total');
    expect(await a.expose()).toContain('nodejs_eventloop_lag_seconds');
    expect(await b.expose()).not.toMatch(/sightline_sms_outcomes_total\{/);
  });
});
