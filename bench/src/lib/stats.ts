/** Nearest-rank percentile of unsorted samples (p in 0..100). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export const median = (samples: number[]) => percentile(samples, 50);

/** Rounds for JSON output: results are measurements, not 15-digit floats. */
export const round = (v: number, digits = 1) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : null);

export function summarise(samples: number[]) {
  return {
    n: samples.length,
    p50: round(percentile(samples, 50)),
    p90: round(percentile(samples, 90)),
    p95: round(percentile(samples, 95)),
    p99: round(percentile(samples, 99)),
    max: round(Math.max(...samples)),
    min: round(Math.min(...samples)),
  };
}
