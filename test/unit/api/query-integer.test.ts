import { queryInteger } from '../../../lambdas/api/http.js';
import type { InvalidInputError } from '../../../lambdas/core/errors.js';

/** What `queryInteger` refuses, as the message and the one issue a 400 carries. */
function refusal(text: string, bounds = { min: 1, max: 200 }) {
  try {
    queryInteger({ limit: text }, 'limit', bounds);
  } catch (error) {
    const { message, issues } = error as InvalidInputError;
    return { message, issues };
  }
  return undefined;
}

describe('an integer query parameter (limit, after)', () => {
  test('a value that is not a whole number is refused as such, not as out of range', () => {
    for (const text of ['abc', '', '1.5', '1e3', ' 7', '0x10']) {
      expect([text, refusal(text)]).toEqual([
        text,
        {
          message: 'query parameter limit is not a whole number',
          issues: [{ path: 'limit', message: `must be a whole number from 1 to 200, not "${text}"` }],
        },
      ]);
    }
  });

  test('a whole number outside the bounds is out of range', () => {
    for (const text of ['0', '201', '-1', '99999999999999999999']) {
      expect([text, refusal(text)]).toEqual([
        text,
        {
          message: 'query parameter limit is out of range',
          issues: [{ path: 'limit', message: `must be a whole number from 1 to 200, not "${text}"` }],
        },
      ]);
    }
  });

  test('a whole number within the bounds is read; none given is undefined', () => {
    expect(queryInteger({ limit: '200' }, 'limit', { min: 1, max: 200 })).toBe(200);
    expect(queryInteger({ after: '0' }, 'after', { min: 0, max: 10 })).toBe(0);
    expect(queryInteger({}, 'limit', { min: 1, max: 200 })).toBeUndefined();
  });
});
