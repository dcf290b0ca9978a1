import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One media node as this instance sees it, for the node gauges. */
export interface NodeSample {
  id: string;
  /** Connected (and, with media nodes, heartbeating). */
  up: boolean;
  /** Rooms, live publishers and viewers this instance holds on the node. */
  rooms: number;
  publishers: number;
  viewers: number;
  /** Janus's CPU in cores, from the node's heartbeat (0 for the embedded Janus, which sends none). */
  cpu: number;
}

/** Where the gauges read their values, at scrape time (so nothing is counted twice or goes stale). */
export interface MetricSources {
  /** Sessions in the `live` state, across every instance sharing the database. */
  liveSessions(): Promise<number>;
  mediaNodes(): NodeSample[];
  /** The evidence queue (recording ingest, location tracks): tasks waiting or running, oldest's age. */
  ingestQueue(): { length: number; oldestMs: number };
  /** Background jobs (exports, redactions) queued in the database, per type, with the oldest's age. */
  queuedJobs(): Promise<Array<{ type: string; count: number; oldestMs: number }>>;
  /** Webhook deliveries waiting to be sent (pending) and given up (dead), across all instances. */
  webhookBacklog(): Promise<Record<'pending' | 'dead', number>>;
  /** The audit trail's SIEM stream (absent when it is off): entries not yet handed over, the oldest's age. */
  siemBacklog?(): Promise<{ entries: number; lagMs: number }>;
}

/** Route label for requests no route matched (404s): the raw URL would let anyone grow the label set. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Sightline's Prometheus metrics, in a registry of its own (not prom-client's global one, so two
 * servers in one test process do not collide). Names are listed in docs/operations.md.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #http: Histogram<'method' | 'route' | 'status_code'>;
  readonly #sms: Counter<'gateway' | 'status'>;
  readonly #siemSent: Counter;
  readonly #siemFailures: Counter;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#http = new Histogram({
      name: 'sightline_http_request_duration_seconds',
      help: 'HTTP request latency, by method, route pattern (never the raw URL) and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.#sms = new Counter({
      name: 'sightline_sms_outcomes_total',
      help: 'Text messages by gateway and outcome (accepted states and later receipts: queued, sent, delivered, failed).',
      labelNames: ['gateway', 'status'],
      registers,
    });
    new Gauge({
      name: 'sightline_live_sessions',
      help: 'Sessions in the live state (the caller started streaming and the session has not ended), across all instances.',
      registers,
      async collect() {
        this.set(await sources.liveSessions());
      },
    });
    const nodeGauge = (name: string, help: string, pick: (n: NodeSample) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['node'],
        registers,
        collect() {
          this.reset();
          for (const n of sources.mediaNodes()) this.set({ node: n.id }, pick(n));
        },
      });
    nodeGauge(
      'sightline_media_node_up',
      'Whether this instance can place rooms on the media node (Janus) now.',
      (n) => (n.up ? 1 : 0),
    );
    nodeGauge('sightline_media_node_rooms', 'Rooms this instance holds on the media node.', (n) => n.rooms);
    nodeGauge(
      'sightline_media_node_publishers',
      'Callers publishing through this instance on the media node.',
      (n) => n.publishers,
    );
    nodeGauge(
      'sightline_media_node_viewers',
      'Live views this instance holds on the media node.',
      (n) => n.viewers,
    );
    nodeGauge(
      'sightline_media_node_cpu_cores',
      "Janus's CPU use on the node in cores, from its heartbeat (media nodes only).",
      (n) => n.cpu,
    );
    new Gauge({
      name: 'sightline_ingest_queue_length',
      help: 'Evidence tasks (recording ingest, location tracks) waiting or running on this instance.',
      registers,
      collect() {
        this.set(sources.ingestQueue().length);
      },
    });
    new Gauge({
      name: 'sightline_ingest_queue_lag_seconds',
      help: 'How long the oldest evidence task on this instance has been queued (0 when none).',
      registers,
      collect() {
        this.set(sources.ingestQueue().oldestMs / 1000);
      },
    });
    this.#siemSent = new Counter({
      name: 'sightline_siem_entries_sent_total',
      help: 'Audit entries this instance handed to the SIEM target (resent ones counted again).',
      registers,
    });
    this.#siemFailures = new Counter({
      name: 'sightline_siem_failures_total',
      help: 'Attempts by this instance to hand audit entries to the SIEM target that failed.',
      registers,
    });
    const siem = sources.siemBacklog;
    if (siem) {
      new Gauge({
        name: 'sightline_siem_backlog_entries',
        help: 'Audit entries not yet handed to the SIEM target (the shared cursor; take max over instances).',
        registers,
        async collect() {
          this.set((await siem()).entries);
        },
      });
      new Gauge({
        name: 'sightline_siem_lag_seconds',
        help: 'How long the oldest audit entry not yet handed to the SIEM target has waited (0 when none).',
        registers,
        async collect() {
          this.set((await siem()).lagMs / 1000);
        },
      });
    }
    const jobs = async () => sources.queuedJobs();
    new Gauge({
      name: 'sightline_jobs_queued',
      help: 'Background jobs (exports, redactions) waiting to run, by type, across all instances.',
      labelNames: ['type'],
      registers,
      async collect() {
        this.reset();
        for (const j of await jobs()) this.set({ type: j.type }, j.count);
      },
    });
    new Gauge({
      name: 'sightline_jobs_oldest_queued_seconds',
      help: 'How long the oldest waiting job of each type has waited.',
      labelNames: ['type'],
      registers,
      async collect() {
        this.reset();
        for (const j of await jobs()) this.set({ type: j.type }, j.oldestMs / 1000);
      },
    });
    new Gauge({
      name: 'sightline_webhook_backlog',
      help: 'Webhook deliveries by state: pending (waiting or retrying) and dead (given up, awaiting a manual retry).',
      labelNames: ['state'],
      registers,
      async collect() {
        const backlog = await sources.webhookBacklog();
        for (const state of ['pending', 'dead'] as const) this.set({ state }, backlog[state]);
      },
    });
  }

  /** Counts audit entries handed to the SIEM target, and failed attempts. */
  siemSent(entries: number): void {
    this.#siemSent.inc(entries);
  }

  siemFailed(): void {
    this.#siemFailures.inc();
  }

  /** Records one answered HTTP request; `route` is Fastify's pattern (`/api/sessions/:id`). */
  observeHttp(method: string, route: string, statusCode: number, seconds: number): void {
    this.#http.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  /** Counts a text's outcome as a gateway reported it. */
  smsOutcome(gateway: string, status: string): void {
    this.#sms.inc({ gateway, status });
  }

  /** The text exposition format, for GET /metrics. */
  get contentType(): string {
    return this.registry.contentType;
  }

  expose(): Promise<string> {
    return this.registry.metrics();
  }
}
