import { InvalidInputError } from './errors.js';
import { type ConcludedIntent, tagDimensionPrefix } from './value-report.js';

/**
 * The dimensions every concluded intent has, whatever its tags: what changed, the team its authority claims (and
 * the door checked: `authority.team`, never a free-text tag), how it ended, and when it concluded (UTC: `2026`,
 * `2026-Q4`, `2026-11`), so a period needs no tag written by hand.
 */
export const builtInDimensions = [
  'service',
  'kind',
  'team',
  'tier',
  'outcome',
  'concludedYear',
  'concludedQuarter',
  'concludedMonth',
] as const;

/**
 * The dimensions of a value report, from a comma-separated list (`service,team`): each one built in or a tag
 * some concluded intent carries (`tags`, as `concludedTags` lists them). A dimension nobody carries would group every intent under `-` and read as a
 * report; it is refused instead, naming it and the known ones. Throws `InvalidInputError` on `field`.
 *
 * @example valueDimensions('service,team', ['team']) // ['service', 'team']
 */
export function valueDimensions(by: string, tags: readonly string[], field = 'by'): string[] {
  const dimensions = by.split(',').map((d) => d.trim());
  const known = new Set<string>([
    ...builtInDimensions,
    ...tags,
    ...tags.map((t) => `${tagDimensionPrefix}${t}`),
  ]);
  const issues: Array<{ path: string; message: string }> = [];
  if (dimensions.some((d) => d === '')) {
    issues.push({ path: field, message: 'names an empty dimension: give dimensions separated by commas' });
  }
  const unknown = dimensions.filter((d) => d !== '' && !known.has(d));
  if (unknown.length > 0) {
    const tagList = tags;
    issues.push({
      path: field,
      message: `unknown dimension${unknown.length > 1 ? 's' : ''} ${unknown.map((d) => `"${d}"`).join(', ')}: known are ${builtInDimensions.join(', ')}${tagList.length > 0 ? ` and the tags ${knownValueDimensions(tagList).slice(builtInDimensions.length).join(', ')}` : ' (no concluded intent carries a tag yet)'}`,
    });
  }
  // An empty name is refused above, once: two of them are not also a dimension named twice.
  const named = dimensions.filter((d) => d !== '');
  if (new Set(named).size !== named.length) {
    issues.push({ path: field, message: 'names a dimension twice' });
  }
  if (issues.length > 0) throw new InvalidInputError('cannot group the value report', issues);
  return dimensions;
}

/** The tags some concluded intent carries, sorted. */
export function concludedTags(intents: readonly ConcludedIntent[]): string[] {
  const tags = new Set<string>();
  for (const intent of intents) for (const tag in intent.tags) tags.add(tag);
  return [...tags].sort();
}

/**
 * Every dimension a report can group by: the built-in ones, then the tags some concluded intent carries — a tag
 * named as a built-in one (`team`) as `tag:team`, so it is never taken for it.
 */
export function knownValueDimensions(tags: readonly string[]): string[] {
  const builtIns = builtInDimensions as readonly string[];
  return [
    ...builtInDimensions,
    ...tags.map((tag) => (builtIns.includes(tag) ? `${tagDimensionPrefix}${tag}` : tag)),
  ];
}
