import { intentFilters } from './views/intents-view.js';

/*
 * The console reads its address as the API reads a request (`lambdas/api/conventions.ts`): a query parameter a
 * page does not read is refused, not ignored (`/?foo=bar` would otherwise answer as if it had matched everything),
 * and a malformed percent-encoding is a bad request, not a failure. Values are the API's to judge: the console
 * passes them on and shows its refusal.
 */

/** The query parameters each page reads; `by` and `curveBy` may repeat (one per ticked box of the value form). */
export const pageParameters = {
  intents: [...intentFilters, 'limit'],
  lanes: [],
  ledger: ['after', 'verdict'],
  value: ['by', 'curveBy', 'since', 'until'],
  intent: ['flash'],
  evidence: [],
} as const satisfies Record<string, readonly string[]>;

const repeatable = new Set(['by', 'curveBy']);

/** Why the page cannot read `query`, or undefined: a parameter it does not read, or one given twice. */
export function unreadQuery(query: URLSearchParams, reads: readonly string[]): string | undefined {
  const names = [...query.keys()];
  const takes = reads.length > 0 ? `it reads ${reads.join(', ')}` : 'it reads none';
  const unread = names.find((name) => !reads.includes(name));
  if (unread !== undefined) {
    return `this page does not read the query parameter ${JSON.stringify(shortened(unread))}: ${takes}`;
  }
  const twice = names.find((name, index) => !repeatable.has(name) && names.indexOf(name) !== index);
  if (twice !== undefined)
    return `the query parameter ${JSON.stringify(twice)} is given more than once: give it once`;
  return undefined;
}

/** A path segment decoded, or undefined when its percent-encoding is malformed (`%ZZ`, a cut UTF-8 sequence). */
export function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch (error) {
    if (error instanceof URIError) return undefined;
    throw error;
  }
}

/** What a 400 page says of a path segment `decodedSegment` could not decode. */
export function malformedSegment(what: string): string {
  return `the address is not valid percent-encoding: ${what} (path.id) must be percent-encoded UTF-8`;
}

/** A parameter's name as sent, cut short: it is the caller's text, echoed. */
function shortened(name: string): string {
  return name.length > 64 ? `${name.slice(0, 64)}…` : name;
}
