import { daysInMonth, fromLocal, toLocal } from '../../../lambdas/core/policy/zoned-time.js';

describe('zoned time', () => {
  test('reads the local wall time and weekday of an instant', () => {
    // 2026-11-04T15:00Z is 10:00 on a Wednesday in New York (EST, UTC-5).
    expect(toLocal(new Date('2026-11-04T15:00:00Z'), 'America/New_York')).toEqual({
      year: 2026,
      month: 11,
      day: 4,
      hour: 10,
      minute: 0,
      second: 0,
      weekday: 3,
    });
  });

  test('finds local midnight on both sides of a DST change', () => {
    // US daylight time ends on 2026-11-01.
    expect(fromLocal({ year: 2026, month: 10, day: 31 }, 'America/New_York').toISOString()).toBe(
      '2026-10-31T04:00:00.000Z',
    );
    expect(fromLocal({ year: 2026, month: 11, day: 2 }, 'America/New_York').toISOString()).toBe(
      '2026-11-02T05:00:00.000Z',
    );
  });

  test('rolls day and month overflow into the next month and year', () => {
    expect(fromLocal({ year: 2026, month: 13, day: 1 }, 'Europe/Berlin').toISOString()).toBe(
      '2026-12-31T23:00:00.000Z',
    );
  });

  test('resolves a wall time skipped by DST to the instant after the gap', () => {
    // Berlin jumps from 02:00 to 03:00 on 2026-03-29; 02:30 does not exist.
    expect(
      fromLocal({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin').toISOString(),
    ).toBe('2026-03-29T01:30:00.000Z');
  });

  test('counts days in a month, leap years included', () => {
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2026, 2)).toBe(28);
    expect(daysInMonth(2026, 11)).toBe(30);
  });
});
