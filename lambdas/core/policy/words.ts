/**
 * A role or other noun with its indefinite article, chosen by its first letter as written: `an engineer`,
 * `a controller`, `an sre-lead`.
 *
 * @example withArticle('engineer') // 'an engineer'
 */
export function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}
