import { InvalidInputError } from '../../../lambdas/core/errors.js';
import { valueAnswer } from '../../../lambdas/core/value-answer.js';
import { parseValueWindow, withinWindow } from '../../../lambdas/core/value-window.js';
import { concluded } from './value-fixtures.js';

const issuesOf = (read: () => unknown) => {
  try {
    read();
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues;
    throw error;
  }
  throw new Error('expected an InvalidInputError');
};

describe('the value report window', () => {
  const intents = [
    concluded({ intentId: 'oct', concludedAt: '2026-10-31T23:59:59Z', valuePerHourUsd: 1 }),
    concluded({ intentId: 'nov1', concludedAt: '2026-11-01T00:00:00Z', valuePerHourUsd: 10 }),
    concluded({ intentId: 'nov30', concludedAt: '2026-11-30T23:59:59Z', valuePerHourUsd: 100 }),
    concluded({ intentId: 'dec', concludedAt: '2026-12-01T00:00:00Z', valuePerHourUsd: 1000 }),
  ];

  test('keeps the intents concluded at or after since and before until', () => {
    const window = parseValueWindow({ since: '2026-11-01', until: '2026-12-01T00:00:00Z' });

    expect(window).toEqual({ since: '2026-11-01T00:00:00.000Z', until: '2026-12-01T00:00:00.000Z' });
    expect(withinWindow(intents, window).map((i) => i.intentId)).toEqual(['nov1', 'nov30']);
  });

  test('an open bound keeps everything on its side', () => {
    expect(
      withinWindow(intents, parseValueWindow({ since: '2026-11-30T12:00:00Z' })).map((i) => i.intentId),
    ).toEqual(['nov30', 'dec']);
    expect(
      withinWindow(intents, parseValueWindow({ until: '2026-11-01T00:00:00Z' })).map((i) => i.intentId),
    ).toEqual(['oct']);
    expect(parseValueWindow({})).toEqual({ since: null, until: null });
  });

  test('a malformed instant is refused naming its field; until must come after since', () => {
    expect(issuesOf(() => parseValueWindow({ since: 'yesterday', until: '2026-13-45' }))).toEqual([
      { path: 'since', message: 'must be an ISO-8601 date or instant, not "yesterday"' },
      { path: 'until', message: 'must be an ISO-8601 date or instant, not "2026-13-45"' },
    ]);
    expect(issuesOf(() => parseValueWindow({ since: '2026-11-02', until: '2026-11-01' }))).toEqual([
      {
        path: 'until',
        message: 'must be after since (2026-11-02T00:00:00.000Z), not 2026-11-01T00:00:00.000Z',
      },
    ]);
  });

  test('an impossible date is refused naming its field, never rolled over into the next month', () => {
    expect(issuesOf(() => parseValueWindow({ since: '2026-02-30', until: '2026-11-31' }))).toEqual([
      { path: 'since', message: '2026-02-30 is not a date: February 2026 has 28 days' },
      { path: 'until', message: '2026-11-31 is not a date: November 2026 has 30 days' },
    ]);
    expect(issuesOf(() => parseValueWindow({ since: '2026-11-04T24:30:00Z' }))).toEqual([
      { path: 'since', message: 'must be an ISO-8601 date or instant, not "2026-11-04T24:30:00Z"' },
    ]);
    expect(issuesOf(() => parseValueWindow({ until: '2026-11-04T10:61:00Z' })).map((i) => i.path)).toEqual([
      'until',
    ]);
    expect(parseValueWindow({ since: '2028-02-29' }).since).toBe('2028-02-29T00:00:00.000Z');
  });

  test('a date-time without an offset is UTC, whatever the server’s time zone; one with an offset keeps it', () => {
    // Run under a TZ other than UTC (TZ=Europe/Paris) to see `new Date(text)` read these in local time.
    expect(parseValueWindow({ since: '2026-11-04T10:26:00' }).since).toBe('2026-11-04T10:26:00.000Z');
    expect(parseValueWindow({ since: '2026-11-04T10:26' }).since).toBe('2026-11-04T10:26:00.000Z');
    expect(parseValueWindow({ since: '2026-11-04T10:26:00.5+01:00' }).since).toBe('2026-11-04T09:26:00.500Z');
    expect(parseValueWindow({ since: '2026-11-04T10:26:00-0530' }).since).toBe('2026-11-04T15:56:00.000Z');
  });

  test('the answer covers the window only, and names every bad field at once', () => {
    const answer = valueAnswer(intents, { by: 'service', since: '2026-11-01', until: '2026-12-01' });

    expect(answer.window).toEqual({ since: '2026-11-01T00:00:00.000Z', until: '2026-12-01T00:00:00.000Z' });
    expect(answer.groups.map((g) => [g.intents, g.valuePerHourUsd])).toEqual([[2, 110]]);
    expect(answer.dora.window?.from).toBe('2026-11-01T00:00:00.000Z');
    expect(
      issuesOf(() => valueAnswer(intents, { by: 'nonsense', curveBy: 'kind,', since: 'soon' })).map(
        (i) => i.path,
      ),
    ).toEqual(['by', 'curveBy', 'since']);
  });

  test('lists the dimensions a report can group by: built in, then the tags carried', () => {
    const tagged = [
      concluded({ tags: { team: 'a', region: 'EMEA' } }),
      concluded({ tags: { quarter: 'Q4' } }),
    ];

    expect(valueAnswer(tagged, {}).knownDimensions).toEqual([
      'service',
      'kind',
      'team',
      'tier',
      'outcome',
      'concludedYear',
      'concludedQuarter',
      'concludedMonth',
      'quarter',
      'region',
      'tag:team',
    ]);
  });
});
