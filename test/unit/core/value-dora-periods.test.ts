import { doraOverTime } from '../../../lambdas/core/value-dora-periods.js';
import { concluded } from './value-fixtures.js';

const open = { since: null, until: null };

describe('DORA over time', () => {
  test('a short window is shown by UTC day, each day with its four figures', () => {
    const result = doraOverTime(
      [
        concluded({ concludedAt: '2026-11-02T09:00:00Z', timeToValueSeconds: 60 }),
        concluded({ concludedAt: '2026-11-02T17:00:00Z', timeToValueSeconds: 180 }),
        concluded({ concludedAt: '2026-11-04T08:00:00Z', outcome: 'rolled-back', restoreSeconds: 300 }),
        concluded({ concludedAt: '2026-11-04T09:00:00Z', timeToValueSeconds: 30 }),
      ],
      open,
    );

    expect(result.period).toBe('day');
    expect(result.window).toEqual({
      from: '2026-11-02T09:00:00.000Z',
      to: '2026-11-04T09:00:00.000Z',
      days: 2,
      spanDays: 2,
    });
    expect(result.periods).toEqual([
      {
        from: '2026-11-02T00:00:00.000Z',
        to: '2026-11-03T00:00:00.000Z',
        released: 2,
        failed: 0,
        deploymentsPerDay: 2,
        leadTimeSeconds: 120,
        changeFailureRate: 0,
        timeToRestoreSeconds: null,
      },
      {
        from: '2026-11-03T00:00:00.000Z',
        to: '2026-11-04T00:00:00.000Z',
        released: 0,
        failed: 0,
        deploymentsPerDay: 0,
        leadTimeSeconds: null,
        changeFailureRate: null,
        timeToRestoreSeconds: null,
      },
      {
        from: '2026-11-04T00:00:00.000Z',
        to: '2026-11-05T00:00:00.000Z',
        released: 1,
        failed: 1,
        deploymentsPerDay: 1,
        leadTimeSeconds: 30,
        changeFailureRate: 0.5,
        timeToRestoreSeconds: 300,
      },
    ]);
  });

  test('a window longer than a month is shown by week, from Monday UTC', () => {
    const result = doraOverTime(
      [
        // 2026-11-04 is a Wednesday, 2026-12-20 a Sunday.
        concluded({ concludedAt: '2026-11-04T10:00:00Z' }),
        concluded({ concludedAt: '2026-12-20T23:00:00Z' }),
      ],
      open,
    );

    expect(result.period).toBe('week');
    expect(result.periods[0]).toMatchObject({
      from: '2026-11-02T00:00:00.000Z',
      to: '2026-11-09T00:00:00.000Z',
    });
    expect(result.periods[0]!.deploymentsPerDay).toBeCloseTo(1 / 7);
    expect(result.periods.at(-1)).toMatchObject({ from: '2026-12-14T00:00:00.000Z', released: 1 });
    expect(result.periods).toHaveLength(7);
  });

  test('the window asked for is the one stated, and decides the period', () => {
    const result = doraOverTime([concluded({ concludedAt: '2026-11-04T10:00:00Z' })], {
      since: '2026-10-01T00:00:00.000Z',
      until: '2026-12-01T00:00:00.000Z',
    });

    expect(result.window).toEqual({
      from: '2026-10-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      days: 61,
      spanDays: 61,
    });
    expect(result.period).toBe('week');
    expect(result.periods).toHaveLength(1);
  });

  test('nothing concluded: no window and no periods', () => {
    expect(doraOverTime([], open)).toEqual({ period: 'day', window: null, periods: [] });
  });
});
