import { knownValueDimensions, valueDimensions } from '../../../lambdas/core/value-dimensions.js';
import { doraOverTime } from '../../../lambdas/core/value-dora-periods.js';
import {
  type ConcludedIntent,
  concludedIntents,
  doraFigures,
  growthFormulas,
  valueReport,
  valueTotals,
} from '../../../lambdas/core/value-report.js';
import type { StoredEntry } from '../../../lambdas/ports/ledger-store.js';

const intent = (over: Partial<ConcludedIntent>): ConcludedIntent => ({
  intentId: 'i',
  outcome: 'released',
  service: 'launch-flags',
  kind: 'feature-flag',
  tier: 1,
  tags: {},
  valuePerHourUsd: 10,
  costOfDelayUsd: 1,
  timeToValueSeconds: 600,
  concludedAt: '2026-11-02T09:00:00Z',
  restoreSeconds: null,
  employeeCount: null,
  growthModel: 'none',
  compoundedValuePerHourUsd: 10,
  ...over,
});

let seq = 0;
const entry = (intentId: string, type: string, timestamp: string, payload: unknown): StoredEntry =>
  ({ entry: { seq: seq++, intentId, type, timestamp, payload }, hash: 'h' }) as unknown as StoredEntry;

describe('the value report, honestly', () => {
  test('each concluded intent carries its per-employee figure and compounded value per hour from its value model', () => {
    // Prepare: $87,600 over a year ($10/hour) for 40 employees, growing continuously at 15 %.
    const valueModel = {
      basis: 'labor-cost-avoided',
      totalValueUsd: 87_600,
      years: 1,
      employeeCount: 40,
      growth: { model: 'continuous', rate: 0.15 },
    };
    const entries = [
      entry('a', 'intent.declared', '2026-11-02T09:00:00Z', { intent: { title: 't', goal: { valueModel } } }),
      entry('a', 'intent.concluded', '2026-11-02T09:30:00Z', {
        outcome: 'released',
        valuePerHourUsd: 10,
        costOfDelayUsd: 5,
        timeToValueSeconds: 1800,
      }),
    ];

    // Act
    const [concluded] = concludedIntents(entries);

    // Assess
    expect(concluded).toMatchObject({ employeeCount: 40, growthModel: 'continuous' });
    expect(concluded!.compoundedValuePerHourUsd).toBeCloseTo(10 * Math.exp(0.15), 10);
  });

  test("each released intent carries its release time, from its last release's start to its value: the rest of its time to value is waiting", () => {
    // Prepare: declared at 09:00, queued until its release started at 09:13 (a first start preempted at 09:05), released at 09:26.
    const entries = [
      entry('q', 'intent.declared', '2026-11-02T09:00:00Z', { intent: { title: 't' } }),
      entry('q', 'release.started', '2026-11-02T09:05:00Z', { startedAt: '2026-11-02T09:05:00.000Z' }),
      entry('q', 'release.started', '2026-11-02T09:13:00Z', { startedAt: '2026-11-02T09:13:00.000Z' }),
      entry('q', 'intent.concluded', '2026-11-02T09:31:00Z', {
        outcome: 'released',
        valuePerHourUsd: 10,
        costOfDelayUsd: 5,
        timeToValueSeconds: 26 * 60,
        countedFrom: '2026-11-02T09:00:00.000Z',
      }),
      entry('r', 'intent.concluded', '2026-11-02T09:40:00Z', {
        outcome: 'rejected-policy',
        valuePerHourUsd: 10,
        costOfDelayUsd: 5,
        timeToValueSeconds: null,
      }),
    ];

    // Act
    const [queued, rejected] = concludedIntents(entries);

    // Assess
    expect(queued).toMatchObject({ timeToValueSeconds: 26 * 60, releaseSeconds: 13 * 60 });
    expect(rejected).toMatchObject({ releaseSeconds: null });
  });

  test('a group shows $/hour per employee over the released intents that name their employees, and the compounded $/hour beside the flat', () => {
    const groups = valueReport(
      [
        intent({
          intentId: 'a',
          valuePerHourUsd: 20,
          employeeCount: 10,
          compoundedValuePerHourUsd: 25,
          growthModel: 'continuous',
        }),
        intent({ intentId: 'b', valuePerHourUsd: 30, employeeCount: 30, compoundedValuePerHourUsd: 30 }),
        intent({ intentId: 'c', valuePerHourUsd: 5, compoundedValuePerHourUsd: 5 }),
        intent({ intentId: 'd', outcome: 'rolled-back', valuePerHourUsd: 99, employeeCount: 1 }),
      ],
      ['service'],
    );

    expect(groups[0]).toMatchObject({
      valuePerHourUsd: 55,
      compoundedValuePerHourUsd: 60,
      // 20 / 10 + 30 / 30, each change's value per hour per employee it names: c names none, d did not release.
      valuePerHourPerEmployeeUsd: 20 / 10 + 30 / 30,
      employeeCountSum: 40,
      releasedWithEmployees: 2,
      growthModels: ['continuous', 'none'],
    });
  });

  test('more value released to the same people raises their per-employee figure: three $50/h changes to one 100-person team are $1.50', () => {
    const groups = valueReport(
      ['a', 'b', 'c'].map((intentId) => intent({ intentId, valuePerHourUsd: 50, employeeCount: 100 })),
      ['service'],
    );
    expect(groups[0]!.valuePerHourPerEmployeeUsd).toBeCloseTo(1.5, 10);
    expect(valueTotals(groups).valuePerHourPerEmployeeUsd).toBeCloseTo(1.5, 10);
  });

  test('a group none of whose released intents names its employees has no per-employee figure, not a made-up one', () => {
    expect(valueReport([intent({})], ['service'])[0]!.valuePerHourPerEmployeeUsd).toBeNull();
  });

  test('totals add the groups up', () => {
    const groups = valueReport(
      [
        intent({
          intentId: 'a',
          service: 'x',
          valuePerHourUsd: 20,
          employeeCount: 10,
          compoundedValuePerHourUsd: 25,
        }),
        intent({
          intentId: 'b',
          service: 'y',
          valuePerHourUsd: 30,
          employeeCount: 30,
          compoundedValuePerHourUsd: 30,
        }),
        intent({ intentId: 'c', service: 'y', outcome: 'rolled-back', costOfDelayUsd: 4 }),
      ],
      ['service'],
    );

    expect(valueTotals(groups)).toEqual({
      intents: 3,
      released: 2,
      failed: 0,
      valuePerHourUsd: 50,
      compoundedValuePerHourUsd: 55,
      valuePerHourPerEmployeeUsd: 20 / 10 + 30 / 30,
      employeeCountSum: 40,
      releasedWithEmployees: 2,
      repeatedGoalReleases: 0,
      costOfDelayUsd: 6,
    });
  });

  test('a value model already on a ledger whose compounded value overflows is reported as null (overflow), in its group and the totals', () => {
    // Prepare: what the door now refuses, $1e13 growing continuously at 1000 % for 100 years: e^1000 is Infinity.
    const valueModel = {
      basis: 'revenue',
      totalValueUsd: 1e13,
      years: 100,
      growth: { model: 'continuous', rate: 10 },
    };
    const entries = [
      entry('big', 'intent.declared', '2026-11-02T09:00:00Z', { intent: { goal: { valueModel } } }),
      entry('big', 'intent.concluded', '2026-11-02T09:30:00Z', {
        outcome: 'released',
        service: 'launch-flags',
        valuePerHourUsd: 1,
      }),
    ];

    // Act
    const [concluded] = concludedIntents(entries);
    const groups = valueReport([concluded!, intent({ intentId: 'small' })], ['service']);

    // Assess: never Infinity or NaN, which JSON cannot carry and a sum would spread.
    expect(concluded!.compoundedValuePerHourUsd).toBeNull();
    expect(groups[0]).toMatchObject({ valuePerHourUsd: 11, compoundedValuePerHourUsd: null });
    expect(valueTotals(groups)).toMatchObject({ valuePerHourUsd: 11, compoundedValuePerHourUsd: null });
  });

  test('each growth model is named with the formula it uses', () => {
    expect(growthFormulas(['none', 'continuous'])).toEqual([
      'none: value_per_hour = total_value_usd / (years × 365 × 24)',
      'continuous: compounded_value_per_hour = total_value_usd × e^(rate × years) / (years × 365 × 24)',
    ]);
  });
});

describe('DORA figures over a stated window', () => {
  test('the window is the first and last conclusion; frequency is per day over at least one day', () => {
    // Thirteen releases within two hours are 13 in a one-day window, not 156 a day.
    const burst = Array.from({ length: 13 }, (_, i) =>
      intent({ concludedAt: new Date(Date.parse('2026-11-02T09:00:00Z') + i * 600_000).toISOString() }),
    );

    const dora = doraFigures(burst);

    expect(dora.window).toMatchObject({
      from: '2026-11-02T09:00:00.000Z',
      to: '2026-11-02T11:00:00.000Z',
      days: 1,
    });
    expect(dora.deploymentsPerDay).toBe(13);
  });

  test('time to restore runs from the failed release’s start to its rollback’s completion', () => {
    const entries = [
      entry('r', 'release.started', '2026-11-02T09:00:00Z', {}),
      entry('r', 'release.rollback-started', '2026-11-02T09:12:00Z', { at: '2026-11-02T09:12:00Z' }),
      entry('r', 'release.rollback-completed', '2026-11-02T09:12:00Z', { at: '2026-11-02T09:12:00Z' }),
      entry('r', 'intent.concluded', '2026-11-02T09:12:00Z', { outcome: 'rolled-back', valuePerHourUsd: 1 }),
    ];

    const [concluded] = concludedIntents(entries);

    expect(concluded!.restoreSeconds).toBe(720);
    expect(doraFigures([concluded!]).timeToRestoreSeconds).toBe(720);
  });
});

describe('DORA figures over the window asked for', () => {
  const onTheFourth = Array.from({ length: 4 }, (_, i) =>
    intent({ intentId: `r${i}`, concludedAt: `2026-11-04T1${i}:00:00.000Z` }),
  );

  test('deployments per day divide by the days from since to until, not the span of the conclusions', () => {
    const dora = doraFigures(onTheFourth, {
      since: '2026-11-01T00:00:00.000Z',
      until: '2026-11-08T00:00:00.000Z',
    });

    expect(dora.window).toMatchObject({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-08T00:00:00.000Z',
      days: 7,
    });
    expect(dora.deploymentsPerDay).toBeCloseTo(4 / 7);
  });

  test('an open side is closed by the first or last conclusion', () => {
    const dora = doraFigures(onTheFourth, { since: '2026-11-01T00:00:00.000Z', until: null });

    expect(dora.window).toMatchObject({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-04T13:00:00.000Z',
      days: 3.5416666666666665,
    });
  });

  test('agrees with the window of DORA over time', () => {
    const asked = { since: '2026-11-01T00:00:00.000Z', until: '2026-11-08T00:00:00.000Z' };

    expect(doraFigures(onTheFourth, asked).window).toMatchObject(doraOverTime(onTheFourth, asked).window!);
  });
});

describe('grouping by when a change concluded', () => {
  test('concludedYear, concludedQuarter and concludedMonth are built in, in UTC, beside any tag named like them', () => {
    // Prepare: one change concluded in the last minutes of a quarter, one in the first of the next
    const intents = [
      intent({ intentId: 'q1', concludedAt: '2026-03-31T23:30:00.000Z', tags: { quarter: 'hand-written' } }),
      intent({ intentId: 'q2', concludedAt: '2026-04-01T00:10:00.000Z' }),
    ];
    // Act
    const dimensions = valueDimensions('concludedYear,concludedQuarter,concludedMonth,quarter', ['quarter']);
    const groups = valueReport(intents, dimensions);
    // Assess
    expect(
      groups.map((g) => g.key).sort((a, b) => a.concludedMonth!.localeCompare(b.concludedMonth!)),
    ).toEqual([
      {
        concludedYear: '2026',
        concludedQuarter: '2026-Q1',
        concludedMonth: '2026-03',
        quarter: 'hand-written',
      },
      { concludedYear: '2026', concludedQuarter: '2026-Q2', concludedMonth: '2026-04', quarter: null },
    ]);
    expect(knownValueDimensions(['quarter'])).toEqual([
      'service',
      'kind',
      'team',
      'tier',
      'outcome',
      'concludedYear',
      'concludedQuarter',
      'concludedMonth',
      'quarter',
    ]);
  });
});
