/**
 * Earned confidence per (service, change kind): a Beta(1 + successes, 1 + failures) posterior over the
 * chance that a change of that kind releases cleanly. We act on a lower bound, not the mean, so a short
 * lucky streak earns little: lowerBound({ successes: 0, failures: 0 }) ≈ 0.05, after 5 clean ≈ 0.65.
 */
export interface ConfidenceRecord {
  successes: number;
  failures: number;
}

/** Approximate 5th percentile of Beta(1+s, 1+f), clamped to [0, 1] (normal approximation with a small-sample floor). */
export function confidenceLowerBound(record: ConfidenceRecord): number {
  const a = 1 + record.successes;
  const b = 1 + record.failures;
  const mean = a / (a + b);
  const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
  const bound = mean - 1.645 * Math.sqrt(variance);
  // With no failures the exact 5th percentile of Beta(a, 1) is 0.05^(1/a); use it where the normal approximation is poor.
  const exactNoFailure = record.failures === 0 ? 0.05 ** (1 / a) : 0;
  return Math.min(1, Math.max(0, bound, exactNoFailure));
}
