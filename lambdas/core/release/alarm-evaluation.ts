import { InvalidInputError } from '../errors.js';

/**
 * CloudWatch metric-alarm evaluation, as AWS documents it in "Using Amazon CloudWatch alarms" → "Evaluating an
 * alarm" and "How alarm state is evaluated when data is missing"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-evaluating-missing-data):
 * - "M out of N": ALARM when at least DatapointsToAlarm (M) of the last EvaluationPeriods (N) datapoints breach.
 * - CloudWatch retrieves more datapoints than N (the evaluation range). With at least N real datapoints in it,
 *   the most recent N real ones decide and TreatMissingData is not consulted.
 * - With fewer, missing datapoints fill in "as few times as possible": `breaching` and `notBreaching` fill them
 *   as such; `ignore` keeps the current state unless the real datapoints decide; `missing` gives
 *   INSUFFICIENT_DATA when every datapoint is missing.
 * The two tables of that page are the contract: test/unit/release/alarm-evaluation.test.ts checks every row.
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type ComparisonOperator =
  | 'GreaterThanThreshold'
  | 'GreaterThanOrEqualToThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';
export type TreatMissingData = 'missing' | 'notBreaching' | 'breaching' | 'ignore';

export interface AlarmRule {
  threshold: number;
  comparisonOperator: ComparisonOperator;
  /** N: how many of the most recent datapoints are evaluated. */
  evaluationPeriods: number;
  /** M: how many of those must breach for ALARM. */
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
}

export interface AlarmEvaluationInput extends AlarmRule {
  /** The evaluation range, oldest first, one value per period; `null` where the datapoint is missing. */
  datapoints: ReadonlyArray<number | null>;
  /** The state before this evaluation, which `ignore` keeps; a new alarm starts in INSUFFICIENT_DATA. */
  currentState?: AlarmState;
}

/** How many datapoints CloudWatch retrieves for N evaluation periods (the documented example: 5 for N = 3). */
export function evaluationRangeSize(evaluationPeriods: number): number {
  return evaluationPeriods + 2;
}

/** Whether one datapoint breaches the rule's threshold. */
export function breaches(value: number, rule: Pick<AlarmRule, 'threshold' | 'comparisonOperator'>): boolean {
  switch (rule.comparisonOperator) {
    case 'GreaterThanThreshold':
      return value > rule.threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= rule.threshold;
    case 'LessThanThreshold':
      return value < rule.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= rule.threshold;
  }
}

function validateRule(rule: AlarmRule): void {
  const issues: Array<{ path: string; message: string }> = [];
  if (!Number.isInteger(rule.evaluationPeriods) || rule.evaluationPeriods < 1) {
    issues.push({
      path: 'evaluationPeriods',
      message: `must be an integer ≥ 1, got ${rule.evaluationPeriods}`,
    });
  }
  if (
    !Number.isInteger(rule.datapointsToAlarm) ||
    rule.datapointsToAlarm < 1 ||
    rule.datapointsToAlarm > rule.evaluationPeriods
  ) {
    issues.push({
      path: 'datapointsToAlarm',
      message: `must be an integer from 1 to evaluationPeriods (${rule.evaluationPeriods}), got ${rule.datapointsToAlarm}`,
    });
  }
  if (issues.length > 0) throw new InvalidInputError('invalid alarm rule', issues);
}

/**
 * The alarm's state after evaluating `datapoints`.
 * Example (M = 2, N = 3, missing): [0, null, X, null, X] → 'ALARM'; [null × 5] → 'INSUFFICIENT_DATA'.
 */
export function alarmEvaluation(input: AlarmEvaluationInput): AlarmState {
  validateRule(input);
  const { evaluationPeriods: n, datapointsToAlarm: m } = input;
  const real = input.datapoints.flatMap((value, index) =>
    value === null ? [] : [{ index, breaching: breaches(value, input) }],
  );
  if (real.length >= n) {
    const breaching = real.slice(-n).filter((point) => point.breaching).length;
    return breaching >= m ? 'ALARM' : 'OK';
  }
  const fills = n - real.length;
  const realBreaching = real.filter((point) => point.breaching).length;
  switch (input.treatMissingData) {
    case 'breaching':
      return realBreaching + fills >= m ? 'ALARM' : 'OK';
    case 'notBreaching':
      return realBreaching >= m ? 'ALARM' : 'OK';
    case 'ignore':
    case 'missing': {
      const keep =
        input.treatMissingData === 'ignore' ? (input.currentState ?? 'INSUFFICIENT_DATA') : undefined;
      if (real.length === 0) return keep ?? 'INSUFFICIENT_DATA';
      if (realBreaching >= m) return 'ALARM';
      if (realBreaching < real.length) return 'OK';
      if (keep) return keep;
      // Every real datapoint breaches yet too few to alarm alone. The documented row "X - - - -" is ALARM and
      // "- - - - X" INSUFFICIENT_DATA: ALARM "because the oldest evaluated data point is breaching and there
      // aren't any non-breaching data points". The evaluated points are the real ones plus the most recent
      // missing ones, as few as needed.
      const missingIndexes = input.datapoints.flatMap((value, index) => (value === null ? [index] : []));
      const evaluatedIndexes = [...real.map((point) => point.index), ...missingIndexes.slice(-fills)];
      const oldestEvaluated = Math.min(...evaluatedIndexes);
      return input.datapoints[oldestEvaluated] === null ? 'INSUFFICIENT_DATA' : 'ALARM';
    }
  }
}
