/**
 * Earned confidence per (service, change kind): a Beta(1 + successes, 1 + failures) posterior over the
 * chance that a change of that kind releases cleanly (a uniform prior updated by each outcome). We act on
 * its exact 5th percentile, not the mean, so a short lucky streak earns little: with no failures it is
 * 0.05^(1/(s+1)) — 0.05 with no history, 0.473 after 3 clean, 0.549 after 4, 0.607 after 5 — and with no
 * successes it is 1 − 0.95^(1/(f+1)). Anyone can recompute it, e.g. scipy.stats.beta.ppf(0.05, 1 + s, 1 + f).
 */
export interface ConfidenceRecord {
  successes: number;
  failures: number;
}

/** The posterior quantile we act on. */
const LOWER_TAIL = 0.05;

/**
 * The 5th percentile of Beta(1 + s, 1 + f). With no failures, or no successes, it has a closed form, used as is
 * so that a recorded value is the one anyone recomputes: 0.05^(1/(s+1)), 1 − 0.95^(1/(f+1)).
 */
export function confidenceLowerBound(record: ConfidenceRecord): number {
  const a = 1 + record.successes;
  const b = 1 + record.failures;
  if (b === 1) return LOWER_TAIL ** (1 / a);
  if (a === 1) return 1 - (1 - LOWER_TAIL) ** (1 / b);
  return betaQuantile(LOWER_TAIL, a, b);
}

/**
 * The p-quantile of Beta(a, b), a, b ≥ 1: the x in (0, 1) where I_x(a, b) = p. Newton's method on I_x − p (its
 * derivative is the Beta density), kept inside a bracket that shrinks at every step and falling back to bisection
 * whenever a Newton step would leave it, so it cannot miss; it stops when the step or the bracket is below 1e-15.
 */
export function betaQuantile(p: number, a: number, b: number): number {
  const lnB = logBeta(a, b);
  let lo = 0;
  let hi = 1;
  let x = a / (a + b);
  for (let iteration = 0; iteration < 200; iteration++) {
    const excess = regularizedIncompleteBeta(x, a, b) - p;
    if (excess === 0) return x;
    if (excess < 0) lo = x;
    else hi = x;
    const density = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lnB);
    let next = x - excess / density;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) < 1e-15 || hi - lo < 1e-15) return next;
    x = next;
  }
  return x;
}

/**
 * I_x(a, b), the Beta(a, b) distribution function at x, for a, b ≥ 1: the continued fraction of Numerical
 * Recipes (§6.4, betai/betacf), evaluated on whichever side of the mean converges fast, by symmetry
 * I_x(a, b) = 1 − I_{1−x}(b, a).
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** The continued fraction for I_x(a, b) by the modified Lentz method; it needs about √max(a, b) terms. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const epsilon = 1e-16;
  const maxTerms = 100_000;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= maxTerms; m++) {
    const m2 = 2 * m;
    // Even step: d_{2m} = m(b − m)x / ((a + 2m − 1)(a + 2m)).
    let coefficient = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + coefficient * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + coefficient / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    // Odd step: d_{2m+1} = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1)).
    coefficient = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + coefficient * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + coefficient / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < epsilon) return h;
  }
  return h;
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/**
 * ln Γ(x) for x > 0: Stirling's series to the x^−9 term (error below 1e-15 for x ≥ 15), reached from
 * smaller x by the recurrence Γ(x + 1) = x Γ(x).
 */
function logGamma(x: number): number {
  let shift = 0;
  let product = 1;
  while (x + shift < 15) {
    product *= x + shift;
    shift++;
  }
  const z = x + shift;
  const z2 = z * z;
  const series = (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / (1188 * z2)) / z2) / z2) / z2) / z;
  return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + series - Math.log(product);
}
