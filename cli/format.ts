import { escapeControlCharacters } from '../lambdas/core/intake/control-characters.js';

/**
 * A cell that reads as a figure: a number, an amount, a percentage or a duration; `-` or nothing stands for none,
 * `overflow` for an amount that is not a finite number.
 */
const FIGURE = /^(|-|overflow|<?[-+]?\$?[\d,]+(\.\d+)?( ?%)?|\d+[hms]( \d+[ms])?)$/;

/**
 * Plain-text tables for the terminal, without colour so they pipe and log cleanly. A column whose cells are
 * all figures is right-aligned, header included, so that their digits line up.
 */
export function table(
  headers: string[],
  rows: Array<Array<string | number>>,
  /** Columns right-aligned whatever their cells, as figures: one of `-` only is still a column of amounts. */
  options: { figureColumns?: readonly number[] } = {},
): string {
  const body = rows.map((row) => row.map((cell) => terminalText(String(cell))));
  const cells = [headers, ...body];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const figures = headers.map(
    (_, column) =>
      options.figureColumns?.includes(column) ||
      (body.length > 0 &&
        body.every((row) => FIGURE.test(row[column] ?? '-')) &&
        body.some((row) => !['-', ''].includes(row[column] ?? '-'))),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        figures[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

/**
 * Text from the ledger or a caller as a terminal should get it: every control character written out (`\u001b`),
 * so an entry recorded before the door refused them can neither recolour, erase nor overwrite what is shown.
 */
export function terminalText(text: string): string {
  return escapeControlCharacters(text);
}

/**
 * A message of several lines (an error listing each problem on its own) as a terminal should get it: the line
 * breaks kept, every other control character written out as `terminalText` does.
 */
export function terminalLines(text: string): string {
  return text.split('\n').map(terminalText).join('\n');
}

/**
 * An amount in dollars; one that is not a finite number (a figure that overflowed, or none) reads `overflow`, and
 * a positive one that would round to zero reads `<$0.01`, so it is never taken for nothing.
 */
export function usd(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return 'overflow';
  if (value > 0 && value < 0.005) return '<$0.01';
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/**
 * An intent's value per hour as its value model declared it, said to be `declared, not realised` unless the intent
 * released: a rejected or rolled-back change delivered none of it (the value report counts it as $0).
 *
 * @example realisedValuePerHour(17.12, 'rolled-back') // '$17.12 declared, not realised'
 */
export function realisedValuePerHour(value: number | null, outcome: string | null): string {
  if (value === null) return '-';
  return outcome === 'released' ? usd(value) : `${usd(value)} declared, not realised`;
}

/**
 * A duration in seconds as `42s`, `3m 20s` or `2h 05m`: rounded once to the unit shown, then split, so no place
 * reads 60 (7,170 s is `2h 00m`, not `1h 60m`).
 */
export function duration(seconds: number | null): string {
  if (seconds === null) return '-';
  const wholeSeconds = Math.round(seconds);
  if (wholeSeconds < 60) return `${wholeSeconds}s`;
  if (wholeSeconds < 3600)
    return `${Math.floor(wholeSeconds / 60)}m ${String(wholeSeconds % 60).padStart(2, '0')}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}
