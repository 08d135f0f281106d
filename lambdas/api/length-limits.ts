/*
 * zod's own messages for a length out of bounds ("Too big: expected string to have <=500 characters") name
 * neither the length sent nor, to a person, the rule in words. These say both, so the API's 400 and the CLI's
 * line naming the flag read alike: `--reason: must be at most 500 characters, not 612`.
 */

/** The error of a string's `.max(max, …)`: `must be at most 500 characters, not 612`. */
export function atMostCharacters(max: number): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => `must be at most ${max} characters, not ${lengthOf(issue.input)}` };
}

/** The error of an array's `.max(max, …)`, counting `things`: `must name at most 50 services, not 51`. */
export function atMostItems(max: number, things: string): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => `must name at most ${max} ${things}, not ${lengthOf(issue.input)}` };
}

/** The error of a required string's `.min(1, …)`. */
export const notEmpty = 'must not be empty';

function lengthOf(input: unknown): number | string {
  return typeof input === 'string' || Array.isArray(input) ? input.length : 'more';
}
