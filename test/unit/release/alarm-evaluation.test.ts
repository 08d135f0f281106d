import { InvalidInputError } from '../../../lambdas/core/errors.js';
import {
  type AlarmState,
  alarmEvaluation,
  type TreatMissingData,
} from '../../../lambdas/core/release/alarm-evaluation.js';

// The tables of "How alarm state is evaluated when data is missing" (CloudWatch user guide): 0 is a
// non-breaching datapoint, X a breaching one, - a missing one; oldest first; threshold 1, GreaterThanThreshold.
const parse = (row: string) => row.split(' ').map((c) => (c === '-' ? null : c === 'X' ? 2 : 0));
const keep = 'keep';
type Expected = AlarmState | typeof keep;

const treatments: TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];

function evaluateRow(
  row: string,
  m: number,
  n: number,
  treatMissingData: TreatMissingData,
  currentState?: AlarmState,
) {
  return alarmEvaluation({
    datapoints: parse(row),
    threshold: 1,
    comparisonOperator: 'GreaterThanThreshold',
    evaluationPeriods: n,
    datapointsToAlarm: m,
    treatMissingData,
    ...(currentState ? { currentState } : {}),
  });
}

const threeOfThree: Array<[string, Expected, Expected, Expected, Expected]> = [
  ['0 - X - X', 'OK', 'OK', 'OK', 'OK'],
  ['0 - - - -', 'OK', 'OK', 'OK', 'OK'],
  ['- - - - -', 'INSUFFICIENT_DATA', keep, 'ALARM', 'OK'],
  ['0 X X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['- - - - X', 'INSUFFICIENT_DATA', keep, 'ALARM', 'OK'],
  ['X - - - -', 'ALARM', keep, 'ALARM', 'OK'],
];

const twoOfThree: Array<[string, Expected, Expected, Expected, Expected]> = [
  ['0 - X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 0 X 0 X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 - X - -', 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - - 0', 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - - X', 'INSUFFICIENT_DATA', keep, 'ALARM', 'OK'],
];

describe.each([
  ['3 out of 3', 3, threeOfThree],
  ['2 out of 3', 2, twoOfThree],
] as const)('documented table, %s', (_label, m, rows) => {
  test.each(rows)('%s → missing %s, ignore %s, breaching %s, notBreaching %s', (row, ...expected) => {
    treatments.forEach((treatment, i) => {
      const want = expected[i]!;
      if (want === keep) {
        // "Retain current state": whatever the alarm was in, it stays.
        for (const current of ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const) {
          expect(evaluateRow(row, m, 3, treatment, current)).toBe(current);
        }
      } else {
        expect(evaluateRow(row, m, 3, treatment, 'OK')).toBe(want);
        expect(evaluateRow(row, m, 3, treatment, 'ALARM')).toBe(want);
      }
    });
  });
});

describe('M out of N without missing data', () => {
  test('breaching datapoints need not be consecutive, only within the last N', () => {
    expect(evaluateRow('X 0 X', 2, 3, 'missing')).toBe('ALARM');
    expect(evaluateRow('X 0 0 X', 2, 3, 'missing')).toBe('OK');
  });

  test.each([
    ['GreaterThanThreshold', 1, 'OK'],
    ['GreaterThanOrEqualToThreshold', 1, 'ALARM'],
    ['LessThanThreshold', 2, 'ALARM'],
    ['LessThanOrEqualToThreshold', 0.5, 'OK'],
  ] as const)('%s with threshold %d on values at 1 → %s', (comparisonOperator, threshold, expected) => {
    const state = alarmEvaluation({
      datapoints: [1, 1, 1],
      threshold,
      comparisonOperator,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: 'missing',
    });
    expect(state).toBe(expected);
  });

  test('a rule with datapointsToAlarm above evaluationPeriods is rejected naming the field', () => {
    expect(() => evaluateRow('X X X', 4, 3, 'missing')).toThrow(InvalidInputError);
    try {
      evaluateRow('X X X', 4, 3, 'missing');
    } catch (error) {
      expect((error as InvalidInputError).issues[0]?.path).toBe('datapointsToAlarm');
    }
  });
});
