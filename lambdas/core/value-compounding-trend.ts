import type { CompoundingCurve, CompoundingCurves } from './value-compounding-curve.js';

/**
 * What a compounding curve shows: its kind's first and latest time to value (of its first and last points, each a
 * change or, past `maxPoints`, a bucket's median), the part of each its release took and the rest, waiting, and
 * whether the kind compounded.
 *
 * Time to value counts from the change's declaration: a change that queued behind another, waited for its
 * reviewer or for CI's checks has a longer one, whatever its release. What earned confidence changes is the
 * release alone — its rollout strategy — so compounding is credited (`compounded`) only where the latest release
 * was faster than the first and its strategy changed; a time to value that fell with less waiting is not.
 */
export interface CompoundingTrend {
  key: CompoundingCurve['key'];
  releases: number;
  firstSeconds: number | null;
  latestSeconds: number | null;
  /** `firstSeconds / latestSeconds`: time to value, waiting included; null with one point, or nothing to divide by. */
  speedUp: number | null;
  /** The part of the first and latest time to value their releases took; null where not recorded. */
  firstReleaseSeconds: number | null;
  latestReleaseSeconds: number | null;
  /** `firstReleaseSeconds / latestReleaseSeconds`; null where either is unknown, or with one point. */
  releaseSpeedUp: number | null;
  /**
   * Whether the kind compounded: its latest release ran faster than its first (its time to value, where the
   * release time is not recorded) under a different rollout strategy, the one earned confidence chooses.
   */
  compounded: boolean;
  /**
   * The confidence its kind had after the first and latest points' changes released (as Learn recorded it with
   * each conclusion), and the rollout strategy each released with; null where not recorded.
   */
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
    const ratio = (a: number | undefined, b: number | undefined) =>
      compared && a !== undefined && b !== undefined && b > 0 ? a / b : null;
    const speedUp = ratio(first?.timeToValueSeconds, latest?.timeToValueSeconds);
    const releaseSpeedUp = ratio(first?.releaseSeconds, latest?.releaseSeconds);
    const firstStrategy = first?.strategy ?? null;
    const latestStrategy = latest?.strategy ?? null;
    // Without the release times, the time to value stands in for them: waiting is then not told apart.
    const faster = (releaseSpeedUp ?? speedUp ?? 0) > 1;
    const strategyChanged =
      firstStrategy === null || latestStrategy === null || firstStrategy !== latestStrategy;
    return {
      key: curve.key,
      releases: curve.releases,
      firstSeconds: first?.timeToValueSeconds ?? null,
      latestSeconds: latest?.timeToValueSeconds ?? null,
      speedUp,
      firstReleaseSeconds: first?.releaseSeconds ?? null,
      latestReleaseSeconds: latest?.releaseSeconds ?? null,
      releaseSpeedUp,
      compounded: faster && strategyChanged,
      firstConfidence: first?.confidence ?? null,
      latestConfidence: latest?.confidence ?? null,
      firstStrategy,
      latestStrategy,
    };
  });
}

/** Whether the curve shows compounding: its latest release ran faster than its first, under an earned strategy. */
export function isFaster(trend: CompoundingTrend): boolean {
  return trend.compounded;
}
