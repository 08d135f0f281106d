import { InvalidInputError } from '../../../lambdas/core/errors.js';
import { type ValueModel, valueModelSchema } from '../../../lambdas/core/intent.js';
import {
  compoundedValue,
  compoundedValuePerHour,
  costOfDelay,
  horizonHours,
  valuePerHour,
  valuePerHourPerEmployee,
} from '../../../lambdas/core/value.js';

const model = (input: Record<string, unknown>): ValueModel =>
  valueModelSchema.parse({ basis: 'savings', totalValueUsd: 87600, years: 1, ...input });

describe('value per hour', () => {
  test('divides the total by every hour of the horizon', () => {
    // Prepare: $87,600 over one year is 8,760 hours.
    const oneYear = model({});
    const twoYears = model({ totalValueUsd: 175200, years: 2 });
    // Act + Assess
    expect(horizonHours(twoYears)).toBe(17520);
    expect(valuePerHour(oneYear)).toBe(10);
    expect(valuePerHour(twoYears)).toBe(10);
  });

  test('normalises per employee and says nothing without a headcount', () => {
    expect(valuePerHourPerEmployee(model({ employeeCount: 4 }))).toBe(2.5);
    expect(valuePerHourPerEmployee(model({}))).toBeUndefined();
  });

  test('the seed onboarding case: 2,000 hours/year at $75/hour avoided', () => {
    const onboarding = model({ basis: 'labor-cost-avoided', totalValueUsd: 150000, years: 1 });
    expect(valuePerHour(onboarding)).toBeCloseTo(17.1233, 4);
  });
});

describe('compounding', () => {
  const base = { totalValueUsd: 1000, years: 2 };

  test('none keeps the total', () => {
    expect(compoundedValue(model(base))).toBe(1000);
  });

  test('discrete: initial × (1 + r)^years', () => {
    const vm = model({ ...base, growth: { model: 'discrete', rate: 0.1 } });
    expect(compoundedValue(vm)).toBeCloseTo(1210, 9);
    expect(compoundedValuePerHour(vm)).toBeCloseTo(1210 / 17520, 12);
  });

  test('continuous: initial × e^(r × years)', () => {
    const vm = model({ ...base, growth: { model: 'continuous', rate: 0.1 } });
    expect(compoundedValue(vm)).toBeCloseTo(1221.40275816017, 9);
  });

  test('compound: initial × e^((r + flywheel) × years)', () => {
    const vm = model({ ...base, growth: { model: 'compound', rate: 0.1, flywheelRate: 0.05 } });
    expect(compoundedValue(vm)).toBeCloseTo(1349.858807576003, 9);
    expect(compoundedValuePerHour(vm)).toBeCloseTo(1349.858807576003 / 17520, 12);
  });
});

describe('cost of delay', () => {
  test('is value per hour × hours waiting', () => {
    expect(costOfDelay(model({}), 3)).toBe(30);
    expect(costOfDelay(model({}), 0)).toBe(0);
  });

  test('rejects negative or non-finite waits, naming the argument', () => {
    expect(() => costOfDelay(model({}), -1)).toThrow(InvalidInputError);
    expect(() => costOfDelay(model({}), Number.NaN)).toThrow(/hoursWaiting/);
  });
});
