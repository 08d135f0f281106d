import { betaQuantile, confidenceLowerBound } from '../../../lambdas/core/confidence.js';

/**
 * 5th percentiles of Beta(1 + s, 1 + f), from an independent implementation
 * (scipy.stats.beta.ppf(0.05, 1 + s, 1 + f), scipy 1.17.1).
 */
const scipyFifthPercentiles: ReadonlyArray<readonly [successes: number, failures: number, bound: number]> = [
  [1, 1, 0.13535036217158378],
  [3, 3, 0.22532158403244773],
  [5, 1, 0.47929702640869287],
  [5, 2, 0.40031061080916697],
  [10, 1, 0.6613193315659674],
  [10, 3, 0.5343433878057823],
  [2, 7, 0.08726443391415033],
  [20, 5, 0.6374051380218437],
  [100, 2, 0.9401380455295598],
  [1000, 10, 0.9832801013769479],
  [3000, 2000, 0.5885445162401644],
  [5000, 5000, 0.49177690474712876],
  [10_000, 3, 0.9992251284959184],
];

describe('confidenceLowerBound', () => {
  test('starts low with no history', () => {
    expect(confidenceLowerBound({ successes: 0, failures: 0 })).toBe(0.05);
  });

  test('is the exact 5th percentile of Beta(1 + s, 1) with no failures: 0.05^(1/(s+1))', () => {
    for (const s of [0, 1, 2, 3, 4, 5, 6, 7, 13, 28, 40, 1000, 10_000]) {
      expect(
        Math.abs(confidenceLowerBound({ successes: s, failures: 0 }) - 0.05 ** (1 / (s + 1))),
      ).toBeLessThan(1e-9);
    }
    // The numbers the release ladder turns on: 3 clean releases stay below 0.5, the 4th crosses it.
    expect(confidenceLowerBound({ successes: 3, failures: 0 })).toBeCloseTo(0.4728708045015879, 9);
    expect(confidenceLowerBound({ successes: 4, failures: 0 })).toBeCloseTo(0.5492802716530588, 9);
  });

  test('is the exact 5th percentile of Beta(1, 1 + f) with no successes: 1 − 0.95^(1/(f+1))', () => {
    for (const f of [1, 2, 3, 5, 50, 1000]) {
      expect(
        Math.abs(confidenceLowerBound({ successes: 0, failures: f }) - (1 - 0.95 ** (1 / (f + 1)))),
      ).toBeLessThan(1e-9);
    }
  });

  test('is the exact 5th percentile of Beta(1 + s, 1 + f) with both', () => {
    for (const [s, f, expected] of scipyFifthPercentiles) {
      expect(Math.abs(confidenceLowerBound({ successes: s, failures: f }) - expected)).toBeLessThan(1e-9);
    }
  });

  test('the general inversion agrees with the closed forms it is not used for', () => {
    for (const n of [0, 1, 3, 4, 40, 10_000]) {
      expect(Math.abs(betaQuantile(0.05, 1 + n, 1) - 0.05 ** (1 / (n + 1)))).toBeLessThan(1e-9);
      expect(Math.abs(betaQuantile(0.05, 1, 1 + n) - (1 - 0.95 ** (1 / (n + 1))))).toBeLessThan(1e-9);
    }
  });

  test('stays fast for thousands of outcomes', () => {
    const started = performance.now();
    for (let i = 0; i < 200; i++) confidenceLowerBound({ successes: 5000 + i, failures: 5000 - i });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('rises with every clean outcome', () => {
    const bounds = [0, 1, 2, 5, 10, 40].map((s) => confidenceLowerBound({ successes: s, failures: 0 }));
    for (let i = 1; i < bounds.length; i++) expect(bounds[i]!).toBeGreaterThan(bounds[i - 1]!);
    expect(bounds[bounds.length - 1]!).toBeGreaterThan(0.9);
  });

  test('a rollback lowers it', () => {
    for (const s of [0, 1, 3, 5, 20, 1000]) {
      expect(confidenceLowerBound({ successes: s, failures: 1 })).toBeLessThan(
        confidenceLowerBound({ successes: s, failures: 0 }),
      );
      expect(confidenceLowerBound({ successes: s, failures: 2 })).toBeLessThan(
        confidenceLowerBound({ successes: s, failures: 1 }),
      );
    }
  });

  test('stays within (0, 1)', () => {
    const manyFailures = confidenceLowerBound({ successes: 0, failures: 50 });
    expect(manyFailures).toBeGreaterThan(0);
    expect(manyFailures).toBeLessThan(0.002);
    expect(confidenceLowerBound({ successes: 10_000, failures: 0 })).toBeLessThan(1);
    expect(confidenceLowerBound({ successes: 1_000_000, failures: 0 })).toBeLessThan(1);
  });
});
