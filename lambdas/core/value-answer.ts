import { InvalidInputError } from './errors.js';
import {
  type CompoundingCurves,
  compoundingCurves,
  defaultCurveDimensions,
} from './value-compounding-curve.js';
import { concludedTags, knownValueDimensions, valueDimensions } from './value-dimensions.js';
import { type DoraOverTime, doraOverTime } from './value-dora-periods.js';
import { type RepeatedGoal, repeatedGoals } from './value-goals.js';
import {
  type ConcludedIntent,
  type DoraFigures,
  doraFigures,
  type TimeToValueSplit,
  timeToValueSplit,
  type ValueGroup,
  valueReport,
} from './value-report.js';
import { parseValueWindow, type ValueWindow, withinWindow } from './value-window.js';

/** What `GET /value` reads: `by` and `curveBy` are comma-separated dimensions; `since` and `until` ISO instants. */
export interface ValueQuery {
  by?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  curveBy?: string | undefined;
}

/** What `GET /value` answers: every figure over the intents concluded within the window. */
export interface ValueAnswer {
  dimensions: string[];
  /** Every dimension the report could group by (built in, then the tags some concluded intent carries). */
  knownDimensions: string[];
  window: ValueWindow;
  groups: ValueGroup[];
  /** The goals several released changes in the window went toward: each one's value is counted once. */
  repeatedGoals: RepeatedGoal[];
  dora: DoraFigures;
  doraOverTime: DoraOverTime;
  compounding: CompoundingCurves;
  /**
   * Time to value split into release time and waiting, each a median over the released changes; absent from the
   * answer of a stack that predates it.
   */
  timeToValue?: TimeToValueSplit;
}

/**
 * The value report over the concluded intents. Every bad field (`by`, `curveBy`, `since`, `until`) is named in
 * one `InvalidInputError` before anything is computed. `tags` are those every concluded intent carries, what a
 * dimension may name: by default the given intents', but a caller that hands over only the window's intents (the
 * value view) passes the ledger's.
 *
 * @example valueAnswer(intents, { by: 'region,team', since: '2026-11-01' })
 */
export function valueAnswer(
  intents: readonly ConcludedIntent[],
  query: ValueQuery,
  tags: readonly string[] = concludedTags(intents),
): ValueAnswer {
  const issues: InvalidInputError['issues'] = [];
  const checked = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      issues.push(...error.issues);
      return undefined;
    }
  };
  const dimensions = checked(() => valueDimensions(query.by ?? 'service', tags));
  const curveDimensions = checked(() =>
    valueDimensions(query.curveBy ?? defaultCurveDimensions.join(','), tags, 'curveBy'),
  );
  const window = checked(() => parseValueWindow(query));
  if (issues.length > 0 || !dimensions || !curveDimensions || !window) {
    throw new InvalidInputError('invalid value report query', issues);
  }
  const within = withinWindow(intents, window);
  return {
    dimensions,
    knownDimensions: knownValueDimensions(tags),
    window,
    groups: valueReport(within, dimensions),
    repeatedGoals: repeatedGoals(within),
    dora: doraFigures(within, window),
    doraOverTime: doraOverTime(within, window),
    compounding: compoundingCurves(within, curveDimensions),
    timeToValue: timeToValueSplit(within),
  };
}
