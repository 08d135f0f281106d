import { InvalidInputError } from './errors.js';
import type { ConcludedIntent } from './value-report.js';

/**
 * The time window of a value report: intents concluded at or after `since` and before `until` (either open).
 * The bounds are ISO-8601 instants as given, normalised to `toISOString()` so the report states exactly what it
 * covered.
 */
export interface ValueWindow {
  since: string | null;
  until: string | null;
}

/**
 * `YYYY-MM-DD`, optionally `THH:MM[:SS[.fraction]]` and an offset (`Z`, `±HH:MM`, `±HHMM`). Written out rather than
 * left to `new Date(text)`, which rolls an impossible date into the next month (2026-02-30 as 2026-03-02) and reads
 * a date-time without an offset in the server's own time zone.
 */
const isoInstant =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * The instant an ISO-8601 date or date-time names, in milliseconds; a date-time without an offset is UTC, as a
 * date alone is. Returns why not when the text is no such instant.
 *
 * @example instantOf('2026-11-04T10:26:00') // 1793787960000 (2026-11-04T10:26:00.000Z)
 */
export function instantOf(text: string): number | { problem: string } {
  const malformed = { problem: `must be an ISO-8601 date or instant, not "${text.slice(0, 60)}"` };
  const parts = isoInstant.exec(text);
  if (!parts) return malformed;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', fraction = '', offset = 'Z'] = parts;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return malformed;
  const daysInMonth =
    new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
  if (day > daysInMonth) {
    return {
      problem: `${y}-${mo}-${d} is not a date: ${monthNames[month - 1]} ${y} has ${daysInMonth} days`,
    };
  }
  const [hour, minute, second] = [Number(h), Number(mi), Number(sec)];
  if (hour > 23 || minute > 59 || second > 59) return malformed;
  const offsetMinutes = offsetOf(offset);
  if (offsetMinutes === undefined) return malformed;
  const at = new Date(0);
  // setUTCFullYear: Date.UTC reads the years 0–99 as 1900–1999.
  at.setUTCFullYear(year, month - 1, day);
  at.setUTCHours(hour, minute, second, Number(fraction.slice(0, 3).padEnd(3, '0')));
  return at.getTime() - offsetMinutes * 60_000;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** `Z` as 0, `+01:00` as 60, `-0530` as -330; undefined for an offset no zone has. */
function offsetOf(offset: string): number | undefined {
  if (offset.toUpperCase() === 'Z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return undefined;
  return (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * Parses `since` and `until` (each optional): ISO-8601 dates or date-times, a date-time without an offset read as
 * UTC. Throws `InvalidInputError` naming each malformed or impossible one (2026-02-30), and `until` when it is not
 * after `since`.
 *
 * @example parseValueWindow({ since: '2026-11-01', until: '2026-12-01T00:00:00Z' })
 *   // { since: '2026-11-01T00:00:00.000Z', until: '2026-12-01T00:00:00.000Z' }
 */
export function parseValueWindow(query: {
  since?: string | undefined;
  until?: string | undefined;
}): ValueWindow {
  const issues: Array<{ path: string; message: string }> = [];
  const instant = (field: 'since' | 'until'): string | null => {
    const text = query[field]?.trim();
    if (text === undefined || text === '') return null;
    const at = instantOf(text);
    if (typeof at !== 'number' || Number.isNaN(at)) {
      issues.push({
        path: field,
        message:
          typeof at === 'number'
            ? `must be an ISO-8601 date or instant, not "${text.slice(0, 60)}"`
            : at.problem,
      });
      return null;
    }
    return new Date(at).toISOString();
  };
  const since = instant('since');
  const until = instant('until');
  if (since !== null && until !== null && Date.parse(until) <= Date.parse(since)) {
    issues.push({ path: 'until', message: `must be after since (${since}), not ${until}` });
  }
  if (issues.length > 0) throw new InvalidInputError('cannot window the value report', issues);
  return { since, until };
}

/** The intents concluded within the window: `since ≤ concludedAt < until`. */
export function withinWindow(intents: readonly ConcludedIntent[], window: ValueWindow): ConcludedIntent[] {
  if (window.since === null && window.until === null) return [...intents];
  const from = window.since === null ? Number.NEGATIVE_INFINITY : Date.parse(window.since);
  const to = window.until === null ? Number.POSITIVE_INFINITY : Date.parse(window.until);
  return intents.filter((intent) => {
    const at = Date.parse(intent.concludedAt);
    return at >= from && at < to;
  });
}
