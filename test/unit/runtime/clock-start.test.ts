import { clockStartFrom } from '../../../cli/runtime/clock-mode.js';
import { InvalidInputError } from '../../../lambdas/core/errors.js';

describe('ITV_CLOCK_START', () => {
  test('unset or empty starts the clock at now; an ISO-8601 instant starts it there', () => {
    expect(clockStartFrom({})).toBeUndefined();
    expect(clockStartFrom({ ITV_CLOCK_START: '' })).toBeUndefined();
    expect(clockStartFrom({ ITV_CLOCK_START: '2026-11-04T15:00:00Z' })?.toISOString()).toBe(
      '2026-11-04T15:00:00.000Z',
    );
  });

  test('anything else is refused, naming the variable and what it must be', () => {
    for (const raw of ['yesterday', '1700000000000', '2026-13-40T00:00:00Z']) {
      expect(() => clockStartFrom({ ITV_CLOCK_START: raw })).toThrow(InvalidInputError);
      try {
        clockStartFrom({ ITV_CLOCK_START: raw });
      } catch (error) {
        expect((error as InvalidInputError).issues).toEqual([
          {
            path: 'ITV_CLOCK_START',
            message: `must be an ISO-8601 instant such as 2026-11-04T15:00:00Z, got "${raw}"`,
          },
        ]);
      }
    }
  });
});
