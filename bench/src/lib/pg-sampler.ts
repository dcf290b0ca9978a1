import pg from 'pg';

/** One look at what the servers' PostgreSQL connections are doing. */
interface Sample {
  /** Connections the servers hold (application_name sightline). */
  connections: number;
  /** Of those, running a statement. */
  active: number;
  /** Of the active, waiting on something inside PostgreSQL (a lock, I/O) rather than on CPU. */
  waiting: number;
}

export interface PoolUse {
  samples: number;
  meanConnections: number;
  meanActive: number;
  meanWaiting: number;
  /** Share of samples in which at least `busyAt` statements were running at once. */
  busyShare: number;
}

/**
 * Samples pg_stat_activity once a second over its own connection: shows whether the servers'
 * connection pools (node-postgres's default of 10 per instance) are all busy, i.e. whether
 * work queues for a connection rather than for a core.
 */
export class PgSampler {
  readonly #client: pg.Client;
  #samples: Sample[] = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(url: string) {
    this.#client = new pg.Client({ connectionString: url, application_name: 'bench-sampler' });
  }

  async connect(): Promise<void> {
    await this.#client.connect();
  }

  start(): void {
    this.#samples = [];
    this.#timer = setInterval(() => void this.#sample(), 1_000);
  }

  /** Stops sampling; `busyAt` is the number of running statements that counts as a full pool. */
  stop(busyAt: number): PoolUse {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const s = this.#samples;
    const mean = (f: (x: Sample) => number) => s.reduce((a, x) => a + f(x), 0) / Math.max(1, s.length);
    return {
      samples: s.length,
      meanConnections: mean((x) => x.connections),
      meanActive: mean((x) => x.active),
      meanWaiting: mean((x) => x.waiting),
      busyShare: s.filter((x) => x.active >= busyAt).length / Math.max(1, s.length),
    };
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#client.end().catch(() => {});
  }

  async #sample(): Promise<void> {
    const r = await this.#client
      .query<{ connections: string; active: string; waiting: string }>(
        `SELECT count(*) AS connections,
                count(*) FILTER (WHERE state = 'active') AS active,
                count(*) FILTER (WHERE state = 'active' AND wait_event IS NOT NULL) AS waiting
           FROM pg_stat_activity WHERE application_name = 'sightline'`,
      )
      .catch(() => null);
    const row = r?.rows[0];
    if (row)
      this.#samples.push({
        connections: Number(row.connections),
        active: Number(row.active),
        waiting: Number(row.waiting),
      });
  }
}
