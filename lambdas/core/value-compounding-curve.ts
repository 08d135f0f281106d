import { type ConcludedIntent, dimensionKey, isFailedChange, median } from './value-report.js';

/**
 * The compounding curve: for each kind of change (by default its service and change kind), the time to value
 * of its successive released changes in the order they concluded, and the part of it each release took. Confidence
 * earned by clean releases lets the next safe change of the kind release faster (a faster rollout strategy), so
 * a falling release time under a changed strategy is compounding at work; a time to value that falls with less
 * waiting (a queue, a review) is not; a failed change
 * (`isFailedChange`: its release regressed — rolled back, held or frozen by an alarm, or released with its SLOs
 * breached) costs the kind its standard status, and is marked where it fell in the sequence.
 */
export interface CompoundingPoint {
  /** The released changes this point covers, by their number in the sequence (1 is the kind's first). */
  first: number;
  last: number;
  /** The change's time to value, or the median over `first..last` when the point covers several. */
  timeToValueSeconds: number;
  /**
   * The part of it the release took (`ConcludedIntent.releaseSeconds`), or its median likewise; the rest is
   * waiting. Absent where a change of the point has none recorded.
   */
  releaseSeconds?: number;
  /** When the point's last change concluded. */
  concludedAt: string;
  /**
   * The confidence its kind had as the point's last change concluded (after its release, as Learn recorded it),
   * and its rollout strategy, where recorded.
   */
  confidence?: number | null;
  strategy?: string | null;
}

export interface CompoundingFailure {
  /** How many changes of the kind had released before it. */
  after: number;
  /** Its outcome; `released, regressed` for one that released with its SLOs breached. */
  outcome: string;
  intentId: string;
  concludedAt: string;
}

export interface CompoundingCurve {
  /** The kind's value of each dimension, null where it has none. */
  key: Record<string, string | null>;
  /** Released changes of the kind, all of them (the points may bucket them). */
  releases: number;
  points: CompoundingPoint[];
  /** The latest failures (at most `maxFailures`); `failureCount` counts them all. */
  failures: CompoundingFailure[];
  failureCount: number;
}

export interface CompoundingCurves {
  dimensions: string[];
  /** The curves with the most releases first, at most `maxCurves`; `curveCount` counts them all. */
  curves: CompoundingCurve[];
  curveCount: number;
  /** Above this many released changes, successive changes are bucketed and each point is their median. */
  maxPoints: number;
}

export const compoundingLimits = { maxCurves: 12, maxPoints: 60, maxFailures: 20 } as const;

/** The dimensions a curve follows unless told otherwise: one kind of change of one service. */
export const defaultCurveDimensions = ['service', 'kind'] as const;

/**
 * @example compoundingCurves(intents, ['service', 'kind']).curves[0].points
 *   // [{ first: 1, last: 1, timeToValueSeconds: 1800, … }, { first: 2, last: 2, timeToValueSeconds: 900, … }]
 */
export function compoundingCurves(
  intents: readonly ConcludedIntent[],
  dimensions: readonly string[] = defaultCurveDimensions,
  limits: { maxCurves: number; maxPoints: number; maxFailures: number } = compoundingLimits,
): CompoundingCurves {
  const keyOf = dimensionKey(dimensions);
  const kinds = new Map<string, Array<{ at: number; intent: ConcludedIntent }>>();
  for (const intent of intents) {
    if (intent.outcome !== 'released' && !isFailedChange(intent)) continue;
    const id = JSON.stringify(keyOf(intent));
    const member = { at: Date.parse(intent.concludedAt), intent };
    const members = kinds.get(id);
    if (members) members.push(member);
    else kinds.set(id, [member]);
  }
  const curves = [...kinds.entries()].map(([id, members]) => {
    members.sort((a, b) => a.at - b.at || (a.intent.intentId < b.intent.intentId ? -1 : 1));
    const values = JSON.parse(id) as Array<string | null>;
    return {
      key: Object.fromEntries(dimensions.map((d, i) => [d, values[i] ?? null])),
      ...sequenceOf(members, limits),
    };
  });
  curves.sort((a, b) => b.releases - a.releases || (keyText(a.key) < keyText(b.key) ? -1 : 1));
  return {
    dimensions: [...dimensions],
    curves: curves.slice(0, limits.maxCurves),
    curveCount: curves.length,
    maxPoints: limits.maxPoints,
  };
}

function sequenceOf(
  members: ReadonlyArray<{ at: number; intent: ConcludedIntent }>,
  limits: { maxPoints: number; maxFailures: number },
): Omit<CompoundingCurve, 'key'> {
  const changes: Array<{
    n: number;
    seconds: number;
    releaseSeconds: number | null;
    concludedAt: string;
    confidence: number | null;
    strategy: string | null;
  }> = [];
  const failures: CompoundingFailure[] = [];
  let released = 0;
  for (const { intent } of members) {
    const before = released;
    if (intent.outcome === 'released') {
      released += 1;
      if (intent.timeToValueSeconds !== null) {
        changes.push({
          n: released,
          seconds: intent.timeToValueSeconds,
          releaseSeconds: intent.releaseSeconds ?? null,
          concludedAt: intent.concludedAt,
          confidence: intent.confidence ?? null,
          strategy: intent.strategy ?? null,
        });
      }
    }
    // A release that regressed (its SLOs breached) is a point of the curve and a failure where it fell.
    if (isFailedChange(intent)) {
      failures.push({
        after: before,
        outcome: intent.outcome === 'released' ? 'released, regressed' : intent.outcome,
        intentId: intent.intentId,
        concludedAt: intent.concludedAt,
      });
    }
  }
  const size = Math.max(1, Math.ceil(changes.length / limits.maxPoints));
  const points: CompoundingPoint[] = [];
  for (let start = 0; start < changes.length; start += size) {
    const bucket = changes.slice(start, start + size);
    const last = bucket[bucket.length - 1]!;
    const releases = bucket.flatMap((c) => (c.releaseSeconds === null ? [] : [c.releaseSeconds]));
    points.push({
      first: bucket[0]!.n,
      last: bucket[bucket.length - 1]!.n,
      timeToValueSeconds: median(bucket.map((c) => c.seconds))!,
      ...(releases.length === bucket.length ? { releaseSeconds: median(releases)! } : {}),
      concludedAt: bucket[bucket.length - 1]!.concludedAt,
      // Only as recorded: a conclusion written without them adds neither.
      ...(last.confidence === null ? {} : { confidence: last.confidence }),
      ...(last.strategy === null ? {} : { strategy: last.strategy }),
    });
  }
  return {
    releases: released,
    points,
    failures: failures.slice(-limits.maxFailures),
    failureCount: failures.length,
  };
}

function keyText(key: Record<string, string | null>): string {
  return JSON.stringify(Object.values(key));
}
