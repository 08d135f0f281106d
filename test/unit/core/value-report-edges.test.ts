import { valueTableText } from '../../../cli/console/views/value-document.js';
import { InvalidInputError } from '../../../lambdas/core/errors.js';
import { valueAnswer } from '../../../lambdas/core/value-answer.js';
import { valueReport, valueTotals } from '../../../lambdas/core/value-report.js';
import { concluded } from './value-fixtures.js';

describe('the value report’s edges', () => {
  test('`--by ,` is one clear error, not also a dimension named twice', () => {
    let refused: unknown;
    try {
      valueAnswer([concluded({})], { by: ',' });
    } catch (error) {
      refused = error;
    }

    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as InvalidInputError).issues).toEqual([
      { path: 'by', message: 'names an empty dimension: give dimensions separated by commas' },
    ]);
  });

  test('a dimension really named twice is still refused', () => {
    expect(() => valueAnswer([concluded({})], { by: 'service,service' })).toThrow(/cannot group|invalid/);
  });

  test('the totals say the headcounts named are summed once per change, not distinct people', () => {
    const intents = [1, 2, 3].map((i) =>
      concluded({ intentId: `c${i}`, employeeCount: 60, goal: { outcome: `g${i}`, metric: 'm' } }),
    );

    const totals = valueTotals(valueReport(intents, ['service']));

    expect(totals).toMatchObject({ employeeCountSum: 180, releasedWithEmployees: 3 });
    expect(totals).not.toHaveProperty('employees');
  });

  test('a per-employee column of `-` only is right-aligned, as the figures beside it are', () => {
    const groups = valueReport([concluded({ employeeCount: null })], ['service']);

    const text = valueTableText(['service'], groups, valueTotals(groups));
    const [header, , row, total] = text.split('\n');
    const at = header!.indexOf('per employee');
    const end = at + 'per employee'.length;

    expect(row!.slice(at, end)).toBe('-'.padStart('per employee'.length));
    expect(total!.slice(at, end)).toBe('-'.padStart('per employee'.length));
  });
});
