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

const isoStart = /^\d{4}-\d{2}-\d{2}/;

/**
 * Parses `since` and `until` (each optional). Throws `InvalidInputError` naming each malformed field, and
 * `until` when it is not after `since`.
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
    const at = new Date(text);
    if (!isoStart.test(text) || Number.isNaN(at.getTime())) {
      issues.push({
        path: field,
        message: `must be an ISO-8601 date or instant, not "${text.slice(0, 60)}"`,
      });
      return null;
    }
    return at.toISOString();
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
