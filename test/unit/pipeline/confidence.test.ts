import { confidenceLowerBound } from '../../../lambdas/core/confidence.js';

describe('confidenceLowerBound', () => {
  test('starts low with no history', () => {
    expect(confidenceLowerBound({ successes: 0, failures: 0 })).toBeCloseTo(0.05, 5);
  });

  test('rises with every clean outcome', () => {
    const bounds = [0, 1, 2, 5, 10, 40].map((s) => confidenceLowerBound({ successes: s, failures: 0 }));
    for (let i = 1; i < bounds.length; i++) expect(bounds[i]!).toBeGreaterThan(bounds[i - 1]!);
    expect(bounds[bounds.length - 1]!).toBeGreaterThan(0.9);
  });

  test('a rollback lowers it', () => {
    expect(confidenceLowerBound({ successes: 5, failures: 1 })).toBeLessThan(
      confidenceLowerBound({ successes: 5, failures: 0 }),
    );
  });

  test('stays within [0, 1]', () => {
    expect(confidenceLowerBound({ successes: 0, failures: 50 })).toBe(0);
    expect(confidenceLowerBound({ successes: 10_000, failures: 0 })).toBeLessThanOrEqual(1);
  });
});
