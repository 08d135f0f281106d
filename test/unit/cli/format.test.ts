import { colourEnabled, paint } from '../../../cli/colour.js';
import { usd as consoleUsd } from '../../../cli/console/views/parts.js';
import { duration, table, terminalLines, terminalText, usd } from '../../../cli/format.js';
import { isControlCharacter } from '../../../lambdas/core/intake/control-characters.js';

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

describe('text from the ledger on a terminal', () => {
  test('control characters an entry holds are written out, never sent to the terminal, in tables and lines', () => {
    const title = 'Innocent \u001b[31mRED\u001b[0m \u001b]0;pwned\u0007 \r\u001b[2KOVERWRITTEN \u202e';
    expect(terminalText(title)).toBe(
      'Innocent \\u001b[31mRED\\u001b[0m \\u001b]0;pwned\\u0007 \\u000d\\u001b[2KOVERWRITTEN \\u202e',
    );
    const text = table(['region', 'intents'], [['EU\u001b[2J', 1]]);
    expect([...text].filter((c) => c !== '\n' && isControlCharacter(c.charCodeAt(0)))).toEqual([]);
    expect(text.split('\n')[2]).toBe('EU\\u001b[2J        1');
  });
});

describe('an error message of several lines on a terminal', () => {
  test('keeps its line breaks and writes out every other control character', () => {
    const message =
      'the control plane could not start:\n  catalog service "a": field "x" bad\n  catalog service "b": \u001b[2Jfield "y" bad';
    expect(terminalLines(message)).toBe(
      'the control plane could not start:\n  catalog service "a": field "x" bad\n  catalog service "b": \\u001b[2Jfield "y" bad',
    );
    expect(terminalLines('a\r\nb')).toBe('a\\u000d\nb');
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

describe('durations and amounts', () => {
  test('a duration is rounded once, then split: no place reads 60', () => {
    expect(duration(7170)).toBe('2h 00m');
    expect(duration(3599.5)).toBe('1h 00m');
    expect(duration(86399)).toBe('24h 00m');
    expect(duration(59.6)).toBe('1m 00s');
    expect(duration(3570)).toBe('59m 30s');
    expect(duration(7140)).toBe('1h 59m');
    expect(duration(42)).toBe('42s');
  });

  test('a positive amount under a cent reads as under a cent, never as zero, in the CLI and the console', () => {
    expect(usd(0.004)).toBe('<$0.01');
    expect(usd(0)).toBe('$0.00');
    expect(usd(0.005)).toBe('$0.01');
    expect(consoleUsd(0.004)).toBe('<$0.01');
    expect(consoleUsd(0)).toBe('$0.00');
  });

  test('the console writes an amount to the cent, as the CLI and the value table do', () => {
    for (const amount of [4, 17.125, 240, 1234.5, 1_000_000]) {
      expect([amount, consoleUsd(amount)]).toEqual([amount, usd(amount)]);
    }
    expect(consoleUsd(4)).toBe('$4.00');
    expect(consoleUsd(240)).toBe('$240.00');
    expect(consoleUsd(null)).toBe('—');
  });

  test('an under-a-cent amount is right-aligned as a figure', () => {
    expect(table(['value/hour'], [['<$0.01'], ['$12.00']]).split('\n')[2]).toBe('    <$0.01');
  });
});
