import { evaluateRules } from './evaluate.js';
import type { PolicyContext, PolicyRule, RuleResult } from './types.js';

/** How many windows the search steps through: each step clears at least one rule's closed window. */
const maxSteps = 64;

/** The instant a time-shaped failure names as the next one its rule allows; undefined for any other failure. */
export function nextAllowedOf(result: RuleResult): number | undefined {
  const next = result.context.nextAllowed;
  return typeof next === 'string' && !Number.isNaN(Date.parse(next)) ? Date.parse(next) : undefined;
}

/**
 * The first instant from `ctx.now` at which every rule allows the change, when the only rules that refuse it are
 * closed windows (freezes, business hours): each names when it opens (`context.nextAllowed`), and the search
 * moves to the latest such instant and evaluates the whole set again, since one window opening can fall in
 * another (a freeze that ends at midnight, outside business hours). Undefined when a rule refuses for something
 * time does not cure, or no instant before `limit` passes.
 */
export function firstAllowedInstant(
  ctx: PolicyContext,
  rules: readonly PolicyRule[],
  limit: Date,
): Date | undefined {
  let at = ctx.now.getTime();
  for (let step = 0; step < maxSteps && at <= limit.getTime(); step++) {
    const { failed } = evaluateRules({ ...ctx, now: new Date(at) }, rules);
    if (failed.length === 0) return new Date(at);
    const next = failed.map(nextAllowedOf);
    if (next.some((n) => n === undefined || n <= at)) return undefined;
    at = Math.max(...(next as number[]));
  }
  return undefined;
}
