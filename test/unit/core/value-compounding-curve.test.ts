import { compoundingCurves } from '../../../lambdas/core/value-compounding-curve.js';
import { concluded } from './value-fixtures.js';

describe('the compounding curve', () => {
  test("one curve per service and kind: each released change's time to value in the order they concluded", () => {
    const curves = compoundingCurves([
      concluded({ intentId: 'c', concludedAt: '2026-11-03T00:00:00Z', timeToValueSeconds: 300 }),
      concluded({ intentId: 'a', concludedAt: '2026-11-01T00:00:00Z', timeToValueSeconds: 1800 }),
      concluded({ intentId: 'b', concludedAt: '2026-11-02T00:00:00Z', timeToValueSeconds: 900 }),
      concluded({ intentId: 'p', service: 'pricing', kind: 'configuration', timeToValueSeconds: 60 }),
      concluded({ intentId: 'r', outcome: 'rejected-policy', concludedAt: '2026-10-01T00:00:00Z' }),
    ]);

    expect(curves.curveCount).toBe(2);
    expect(curves.curves[0]).toEqual({
      key: { service: 'launch-flags', kind: 'feature-flag' },
      releases: 3,
      points: [
        { first: 1, last: 1, timeToValueSeconds: 1800, concludedAt: '2026-11-01T00:00:00Z' },
        { first: 2, last: 2, timeToValueSeconds: 900, concludedAt: '2026-11-02T00:00:00Z' },
        { first: 3, last: 3, timeToValueSeconds: 300, concludedAt: '2026-11-03T00:00:00Z' },
      ],
      failures: [],
      failureCount: 0,
    });
    expect(curves.curves[1]!.key).toEqual({ service: 'pricing', kind: 'configuration' });
  });

  test('a failed change is marked after the releases that preceded it; a rejected one is not part of the curve', () => {
    const { curves } = compoundingCurves([
      concluded({ intentId: 'a', concludedAt: '2026-11-01T00:00:00Z' }),
      concluded({ intentId: 'x', outcome: 'rolled-back', concludedAt: '2026-11-02T00:00:00Z' }),
      concluded({ intentId: 'b', concludedAt: '2026-11-03T00:00:00Z' }),
      concluded({ intentId: 'q', outcome: 'rejected-structure', concludedAt: '2026-11-04T00:00:00Z' }),
    ]);

    expect(curves[0]!.failures).toEqual([
      { after: 1, outcome: 'rolled-back', intentId: 'x', concludedAt: '2026-11-02T00:00:00Z' },
    ]);
    expect(curves[0]!.points.map((p) => p.first)).toEqual([1, 2]);
  });

  test('many releases are bucketed in order, each point the median of its bucket; the curves are capped', () => {
    const many = Array.from({ length: 10 }, (_, i) =>
      concluded({
        intentId: `i${i}`,
        concludedAt: new Date(Date.UTC(2026, 10, 1, i)).toISOString(),
        timeToValueSeconds: 1000 - i * 100,
      }),
    );
    const other = concluded({ service: 'other', intentId: 'o' });

    const result = compoundingCurves([...many, other], ['service'], {
      maxCurves: 1,
      maxPoints: 4,
      maxFailures: 5,
    });

    expect(result.curveCount).toBe(2);
    expect(result.curves.map((c) => c.key.service)).toEqual(['launch-flags']);
    expect(result.curves[0]!.points.map((p) => [p.first, p.last, p.timeToValueSeconds])).toEqual([
      [1, 3, 900],
      [4, 6, 600],
      [7, 9, 300],
      [10, 10, 100],
    ]);
  });

  test('ties in time are ordered by intent id, so the curve is the same on every read', () => {
    const at = '2026-11-01T00:00:00Z';
    const forward = compoundingCurves([
      concluded({ intentId: 'b', concludedAt: at, timeToValueSeconds: 2 }),
      concluded({ intentId: 'a', concludedAt: at, timeToValueSeconds: 1 }),
    ]);

    expect(forward.curves[0]!.points.map((p) => p.timeToValueSeconds)).toEqual([1, 2]);
  });
});
