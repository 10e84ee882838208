/** Small statistics for benchmark samples (milliseconds). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function summary(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, median: quantile(s, 0.5), p99: quantile(s, 0.99) };
}

/** One figure measured in several interleaved rounds: the median that verdicts judge, and the spread beside it. */
export interface Rounds {
  n: number;
  median: number;
  min: number;
  max: number;
}

export function rounds(values: number[]): Rounds {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, median: quantile(s, 0.5), min: s[0]!, max: s.at(-1)! };
}

export const fmt = (ms: number, digits = 3) => ms.toFixed(digits);
