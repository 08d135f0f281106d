import { keyCell } from '../../../cli/console/views/value-document.js';
import { valueAnswer } from '../../../lambdas/core/value-answer.js';
import { concluded } from './value-fixtures.js';

/* A tag whose value is `-` is a value like any other: never merged with an intent that has no such tag. */
describe('no tag and a tag of "-"', () => {
  const intents = [
    concluded({ intentId: 'dash', tags: { region: '-' } }),
    concluded({ intentId: 'none', tags: {} }),
    concluded({ intentId: 'also-none', tags: { team: 'x' }, service: null }),
  ];

  test('group apart: no tag is null in the key, a tag of "-" is "-"', () => {
    const groups = valueAnswer(intents, { by: 'region' }).groups;

    expect(groups.map((g) => [g.key.region, g.intents])).toEqual(
      expect.arrayContaining([
        ['-', 1],
        [null, 2],
      ]),
    );
    expect(groups).toHaveLength(2);
    expect(valueAnswer(intents, { by: 'service' }).groups.map((g) => g.key.service)).toContain(null);
  });

  test('read apart in a table cell: none is (none), a value that could be taken for it is quoted', () => {
    expect(keyCell(null)).toBe('(none)');
    expect(keyCell('-')).toBe('-');
    expect(keyCell('(none)')).toBe('"(none)"');
    expect(keyCell('"x"')).toBe('"\\"x\\""');
    expect(keyCell('')).toBe('""');
  });
});
