import { colourEnabled, paint } from '../../../cli/colour.js';
import { table } from '../../../cli/format.js';

describe('tables', () => {
  test('numbers, amounts, percentages and durations are right-aligned; words stay left', () => {
    const text = table(
      ['service', 'intents', 'value/hour', 'rate', 'median'],
      [
        ['launch-flags', 12, '$1,234.50', '8.3 %', '3m 20s'],
        ['b', 3, '$5.00', '100.0 %', '42s'],
        ['checkout', '-', '-', '-', '-'],
      ],
    );

    expect(text.split('\n')).toEqual([
      'service       intents  value/hour     rate  median',
      '------------  -------  ----------  -------  ------',
      'launch-flags       12   $1,234.50    8.3 %  3m 20s',
      'b                   3       $5.00  100.0 %     42s',
      'checkout            -           -        -       -',
    ]);
  });
});

describe('colour', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };

  test('only on a terminal, and never when NO_COLOR is set (to anything but the empty string) or TERM is dumb', () => {
    expect(colourEnabled(tty, {})).toBe(true);
    expect(colourEnabled(pipe, {})).toBe(false);
    expect(colourEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled(tty, { NO_COLOR: '' })).toBe(true);
    expect(colourEnabled(tty, { TERM: 'dumb' })).toBe(false);
  });

  test('paint wraps the text in the colour when enabled and leaves it alone otherwise', () => {
    expect(paint('released', 'green', true)).toBe('\u001b[32mreleased\u001b[39m');
    expect(paint('released', 'green', false)).toBe('released');
  });
});
