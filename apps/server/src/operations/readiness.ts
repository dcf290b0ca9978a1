import { type Logger, silentLogger } from '../lib/logger.js';

/** The dependencies an instance needs before it can take traffic. */
export type ReadinessCheckName = 'database' | 'evidence' | 'janus';

/** One dependency: resolves when it is reachable, throws (or never settles) when it is not. */
export type ReadinessProbe = () => Promise<void>;

export interface CheckResult {
  ok: boolean;
  /** How long the probe took, in milliseconds. */
  ms: number;
  /** Why it failed, in words that carry no address, path or secret (the route is public). */
  error?: string;
}

export interface ReadinessReport {
  ok: boolean;
  checks: Record<ReadinessCheckName, CheckResult>;
}

/** Thrown by a probe to say why in words safe for a public answer. */
export class NotReadyError extends Error {
  override name = 'NotReadyError';
}

/** Each probe's time limit: a hung dependency makes /readyz answer 503 quickly, never hang. */
export const READINESS_TIMEOUT_MS = 2_000;
/**
 * How long one answer serves every asker: the route is public, and each check costs a database
 * query, an S3 request and a Janus round trip, so however often it is probed the dependencies
 * see at most one round a second (concurrent askers share the round in flight).
 */
export const READINESS_CACHE_MS = 1_000;

/**
 * Runs every readiness probe at once, each under a timeout. A probe's own error message is not
 * passed on (a driver's may name a host or a path); only a NotReadyError's words, or a timeout.
 */
export class Readiness {
  #last: { at: number; report: Promise<ReadinessReport> } | null = null;

  constructor(
    private readonly probes: Record<ReadinessCheckName, ReadinessProbe>,
    private readonly timeoutMs = READINESS_TIMEOUT_MS,
    private readonly log: Logger = silentLogger,
    private readonly cacheMs = READINESS_CACHE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The latest round if it started under `cacheMs` ago (or is still running), else a new one. */
  check(): Promise<ReadinessReport> {
    const t = this.now();
    if (this.#last && t - this.#last.at < this.cacheMs) return this.#last.report;
    const report = this.round();
    this.#last = { at: t, report };
    return report;
  }

  private async round(): Promise<ReadinessReport> {
    const names = Object.keys(this.probes) as ReadinessCheckName[];
    const results = await Promise.all(names.map((n) => this.run(n, this.probes[n])));
    const checks = Object.fromEntries(names.map((n, i) => [n, results[i]!])) as ReadinessReport['checks'];
    return { ok: results.every((r) => r.ok), checks };
  }

  private async run(name: ReadinessCheckName, probe: ReadinessProbe): Promise<CheckResult> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new NotReadyError(`no answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      await Promise.race([probe(), timeout]);
      return { ok: true, ms: elapsed(started) };
    } catch (err) {
      // The full cause goes to the log (operators read it); the public answer gets safe words only.
      this.log.warn({ err, check: name }, 'readiness: check failed');
      const error = err instanceof NotReadyError ? err.message : 'unreachable';
      return { ok: false, ms: elapsed(started), error };
    } finally {
      clearTimeout(timer);
    }
  }
}

const elapsed = (since: number) => Math.round(performance.now() - since);
