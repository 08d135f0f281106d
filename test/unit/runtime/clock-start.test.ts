import { clockStartFrom } from '../../../cli/runtime/clock-mode.js';
import { InvalidInputError } from '../../../lambdas/core/errors.js';

describe('ITV_CLOCK_START', () => {
  test('unset or empty starts the clock at now; an ISO-8601 instant starts it there', () => {
    expect(clockStartFrom({})).toBeUndefined();
    expect(clockStartFrom({ ITV_CLOCK_START: '' })).toBeUndefined();
    expect(clockStartFrom({ ITV_CLOCK_START: '2026-11-04T15:00:00Z' })?.toISOString()).toBe(
      '2026-11-04T15:00:00.000Z',
    );
    expect(clockStartFrom({ ITV_CLOCK_START: '2026-11-04T16:00:00+01:00' })?.toISOString()).toBe(
      '2026-11-04T15:00:00.000Z',
    );
  });

  test('anything else is refused, naming the variable and what it must be', () => {
    // Without an offset, Date reads an instant in the machine's time zone: the same home would start elsewhere.
    for (const raw of ['yesterday', '1700000000000', '2026-13-40T00:00:00Z', '2026-11-04T15:00:00']) {
      expect(() => clockStartFrom({ ITV_CLOCK_START: raw })).toThrow(InvalidInputError);
      try {
        clockStartFrom({ ITV_CLOCK_START: raw });
      } catch (error) {
        expect((error as InvalidInputError).issues).toEqual([
          {
            path: 'ITV_CLOCK_START',
            message: `must be an ISO-8601 instant with an offset (Z or ±hh:mm), such as 2026-11-04T15:00:00Z, got "${raw}"`,
          },
        ]);
      }
    }
  });
});
