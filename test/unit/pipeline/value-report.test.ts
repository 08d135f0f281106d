import { type ConcludedIntent, doraFigures, valueReport } from '../../../lambdas/core/value-report.js';

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

describe('valueReport', () => {
  const intents = [
    intent({ intentId: 'a', tags: { region: 'EMEA' }, valuePerHourUsd: 20, timeToValueSeconds: 100 }),
    intent({ intentId: 'b', tags: { region: 'EMEA' }, valuePerHourUsd: 30, timeToValueSeconds: 300 }),
    intent({
      intentId: 'c',
      tags: { region: 'EMEA' },
      outcome: 'rolled-back',
      valuePerHourUsd: 99,
      costOfDelayUsd: 5,
    }),
    intent({ intentId: 'd', tags: { region: 'NA' }, valuePerHourUsd: 5 }),
    intent({ intentId: 'e', tags: {}, service: 'pricing-engine', valuePerHourUsd: 1 }),
  ];

  test('sums value per hour of released intents only, by a tag, largest first', () => {
    const groups = valueReport(intents, ['region']);
    expect(groups.map((g) => [g.key.region, g.intents, g.released, g.valuePerHourUsd])).toEqual([
      ['EMEA', 3, 2, 50],
      ['NA', 1, 1, 5],
      [null, 1, 1, 1],
    ]);
    expect(groups[0]!.costOfDelayUsd).toBe(7);
    expect(groups[0]!.medianTimeToValueSeconds).toBe(200);
  });

  test('combines tag and built-in dimensions', () => {
    const groups = valueReport(intents, ['region', 'outcome']);
    expect(groups.find((g) => g.key.region === 'EMEA' && g.key.outcome === 'rolled-back')?.intents).toBe(1);
    expect(
      valueReport(intents, ['service'])
        .map((g) => g.key.service)
        .sort(),
    ).toEqual(['launch-flags', 'pricing-engine']);
  });
});

describe('doraFigures', () => {
  test('lead time, deployment frequency, change failure rate and time to restore', () => {
    const dora = doraFigures([
      intent({ timeToValueSeconds: 60, concludedAt: '2026-11-01T00:00:00Z' }),
      intent({ timeToValueSeconds: 180, concludedAt: '2026-11-02T00:00:00Z' }),
      intent({ outcome: 'rolled-back', restoreSeconds: 120, concludedAt: '2026-11-03T00:00:00Z' }),
      intent({ outcome: 'rejected-policy', concludedAt: '2026-11-03T00:00:00Z' }),
    ]);
    expect(dora).toEqual({
      window: {
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-03T00:00:00.000Z',
        days: 2,
        spanDays: 2,
        firstConcludedAt: '2026-11-01T00:00:00.000Z',
        lastConcludedAt: '2026-11-03T00:00:00.000Z',
      },
      leadTimeSeconds: 120,
      deploymentsPerDay: 1,
      changeFailureRate: 1 / 3,
      timeToRestoreSeconds: 120,
    });
  });

  test('no releases means no figures rather than zeros', () => {
    expect(doraFigures([])).toEqual({
      window: null,
      leadTimeSeconds: null,
      deploymentsPerDay: null,
      changeFailureRate: null,
      timeToRestoreSeconds: null,
    });
  });
});
