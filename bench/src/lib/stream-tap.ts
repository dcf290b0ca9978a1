import { Redis } from 'ioredis';
import { percentile } from './stats.js';

/** The servers' event stream (apps/server/src/adapters/redis/redis-stream-transport.ts). */
const STREAM = 'sightline:events';

/** One second of the stream: fixes appended in it and how late they were. */
export interface TapSecond {
  /** Seconds since the tap started. */
  t: number;
  appended: number;
  lagP50Ms: number;
  lagMaxMs: number;
}

/**
 * Reads the servers' event stream beside them, to split a fix's journey in two: a stream
 * entry's id is the Redis clock in ms when it was appended, so (id − fixTime) is the sending
 * instance's share (socket, database, append) and the console's latency minus it is the
 * reading instance's share. Same machine, same clock. It also keeps a per-second timeline
 * (fixes appended, their lag) for the whole run, which shows whether the sending instance
 * keeps up with what the phones offer.
 */
export class StreamTap {
  readonly #redis: Redis;
  readonly #windows = new Set<{ from: number; to: number; delays: number[] }>();
  readonly #seconds = new Map<number, number[]>();
  #start = 0;
  #stopped = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(url: string) {
    this.#redis = new Redis(url, { maxRetriesPerRequest: null, connectionName: 'bench-tap' });
  }

  /** Starts reading from now on. */
  start(): void {
    this.#start = Date.now();
    this.#loop = this.#read(`${this.#start}-0`);
  }

  /** Append delays (append time − fixTime) of fixes stamped in [from, to), collected until `to` + 3 s. */
  async measure(from: number, to: number): Promise<number[]> {
    const window = { from, to, delays: [] as number[] };
    this.#windows.add(window);
    await new Promise((r) => setTimeout(r, to + 3_000 - Date.now()));
    this.#windows.delete(window);
    return window.delays;
  }

  /**
   * Waits until the sending instance keeps up: `seconds` whole seconds in a row whose fixes were
   * appended with a median lag under `lagMs`. Resolves with the seconds waited; rejects after
   * `timeoutMs`.
   */
  async steady(o: { lagMs: number; seconds: number; timeoutMs: number }): Promise<number> {
    const began = Date.now();
    for (;;) {
      const now = Math.floor((Date.now() - this.#start) / 1000);
      const recent = Array.from({ length: o.seconds }, (_, i) => this.#seconds.get(now - 1 - i));
      if (recent.every((lags) => lags && percentile(lags, 50) < o.lagMs)) return (Date.now() - began) / 1000;
      if (Date.now() - began > o.timeoutMs)
        throw new Error(`fixes still appended more than ${o.lagMs} ms late after ${o.timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Each second since start: fixes appended and their lag. */
  timeline(): TapSecond[] {
    return [...this.#seconds.entries()]
      .sort(([a], [b]) => a - b)
      .map(([t, lags]) => ({
        t,
        appended: lags.length,
        lagP50Ms: percentile(lags, 50),
        lagMaxMs: Math.max(...lags),
      }));
  }

  async close(): Promise<void> {
    this.#stopped = true;
    this.#redis.disconnect();
    await this.#loop.catch(() => {});
  }

  async #read(start: string): Promise<void> {
    let last = start;
    while (!this.#stopped) {
      const batch = await this.#redis
        .xread('COUNT', 2_000, 'BLOCK', 500, 'STREAMS', STREAM, last)
        .catch(() => null);
      for (const [, entries] of batch ?? []) {
        for (const [id, fields] of entries) {
          last = id;
          const envelope = fields[fields.indexOf('e') + 1];
          // Cheap test first: skip other events without parsing them.
          if (!envelope?.includes('"location.fix"')) continue;
          const { payload } = JSON.parse(envelope) as { payload: { fix: { fixTime: number } } };
          const fixTime = payload.fix.fixTime;
          const at = Number(id.split('-')[0]);
          const lag = at - fixTime;
          const second = Math.floor((at - this.#start) / 1000);
          const lags = this.#seconds.get(second) ?? [];
          lags.push(lag);
          this.#seconds.set(second, lags);
          for (const w of this.#windows) if (fixTime >= w.from && fixTime < w.to) w.delays.push(lag);
        }
      }
    }
  }
}
