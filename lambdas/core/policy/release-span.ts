import { evaluatePolicy } from './evaluate.js';
import { firstAllowedInstant, nextAllowedOf } from './first-allowed.js';
import type { PolicyContext, PolicyRule, RuleResult } from './types.js';

/**
 * How far apart a release's predicted run is sampled. CheckRelease re-checks the policy set at every poll, at
 * most a minute apart (`pollSecondsFor`), so a window that closes for less than this cannot stop a release either.
 */
const sampleMs = 60_000;

/** How many closed windows the search for a start steps past before it gives up. */
const maxSteps = 64;

/** A closed window a running release would meet: when, and each time-shaped rule that would stop it then. */
export interface WindowOnRelease {
  at: Date;
  failed: RuleResult[];
}

/**
 * The first instant in [start, end] at which the policy set, evaluated as CheckRelease re-checks a running release
 * (`phase: 'in-flight'`), refuses the change for a closed window (a rule naming `context.nextAllowed`: a freeze
 * opening), sampled every minute and at `end`. A release admitted into such a span is stopped and rolled back
 * midway, so admission refuses it instead. Rules that time does not cure are admission's own business.
 * Example: a 13-minute release from 23:55 before a freeze at midnight → `{ at: 00:00, failed: [freeze] }`.
 */
export function windowClosingDuring(
  ctx: PolicyContext,
  rules: readonly PolicyRule[],
  start: Date,
  end: Date,
): WindowOnRelease | undefined {
  for (let at = start.getTime(); ; at = Math.min(at + sampleMs, end.getTime())) {
    const { failed } = evaluatePolicy({ ...ctx, now: new Date(at), phase: 'in-flight' }, rules);
    const closed = failed.filter((result) => nextAllowedOf(result) !== undefined);
    if (closed.length > 0) return { at: new Date(at), failed: closed };
    if (at >= end.getTime()) return undefined;
  }
}

/**
 * The first instant from `ctx.now`, before `limit`, at which every rule allows the change to start and no closed
 * window meets it for the `durationMs` its release is predicted to run. Undefined when a rule refuses for something
 * time does not cure, or no such instant comes before `limit`.
 */
export function firstStartThatFits(
  ctx: PolicyContext,
  rules: readonly PolicyRule[],
  durationMs: number,
  limit: Date,
): Date | undefined {
  let from = ctx.now;
  for (let step = 0; step < maxSteps; step++) {
    const start = firstAllowedInstant({ ...ctx, now: from }, rules, limit);
    if (!start) return undefined;
    const met = windowClosingDuring(ctx, rules, start, new Date(start.getTime() + durationMs));
    if (!met) return start;
    from = new Date(Math.max(...met.failed.map((result) => nextAllowedOf(result) ?? 0)));
    if (from.getTime() <= start.getTime()) return undefined;
  }
  return undefined;
}
