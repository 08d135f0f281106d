import type { CompoundingCurve, CompoundingCurves } from './value-compounding-curve.js';

/**
 * What a compounding curve shows: its kind's first and latest time to value (of its first and last points, each a
 * change or, past `maxPoints`, a bucket's median) and how many times faster the latest is. `speedUp` is
 * `firstSeconds / latestSeconds`, above 1 only when the latest change released faster than the first; null when
 * there is only one point, or nothing to divide by.
 */
export interface CompoundingTrend {
  key: CompoundingCurve['key'];
  releases: number;
  firstSeconds: number | null;
  latestSeconds: number | null;
  speedUp: number | null;
  /** The confidence and rollout strategy of the first and latest points' changes, null where not recorded. */
  firstConfidence: number | null;
  latestConfidence: number | null;
  firstStrategy: string | null;
  latestStrategy: string | null;
}

/** Each curve's first against latest time to value, in the curves' order. */
export function compoundingTrend(compounding: Pick<CompoundingCurves, 'curves'>): CompoundingTrend[] {
  return compounding.curves.map((curve) => {
    const first = curve.points[0];
    const latest = curve.points[curve.points.length - 1];
    const compared = first !== undefined && latest !== undefined && first !== latest;
    return {
      key: curve.key,
      releases: curve.releases,
      firstSeconds: first?.timeToValueSeconds ?? null,
      latestSeconds: latest?.timeToValueSeconds ?? null,
      speedUp:
        compared && latest.timeToValueSeconds > 0
          ? first.timeToValueSeconds / latest.timeToValueSeconds
          : null,
      firstConfidence: first?.confidence ?? null,
      latestConfidence: latest?.confidence ?? null,
      firstStrategy: first?.strategy ?? null,
      latestStrategy: latest?.strategy ?? null,
    };
  });
}

/** Whether the curve shows compounding: its latest change released faster than its first. */
export function isFaster(trend: CompoundingTrend): boolean {
  return trend.speedUp !== null && trend.speedUp > 1;
}
