/**
 * Latency samples and their percentiles. Every sample is kept (a bench run is bounded in
 * time and count), so percentiles are exact rather than bucketed.
 */

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface Samples {
  add(value: number): void;
  readonly count: number;
  percentiles(): Percentiles;
}

export function createSamples(): Samples {
  let values = new Float64Array(1024);
  let count = 0;
  return {
    add(value) {
      if (count === values.length) {
        const grown = new Float64Array(values.length * 2);
        grown.set(values);
        values = grown;
      }
      values[count++] = value;
    },
    get count() {
      return count;
    },
    percentiles() {
      return percentilesOf(values.subarray(0, count));
    },
  };
}

/** Nearest-rank percentiles of `values` (NaN when empty). */
export function percentilesOf(values: ArrayLike<number>): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const rank = (p: number) =>
    sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return {
    count: sorted.length,
    p50: rank(0.5),
    p95: rank(0.95),
    p99: rank(0.99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}
