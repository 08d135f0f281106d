import { evaluateNotingTime, evaluateRules } from './evaluate.js';
import { firstAllowedInstant, nextAllowedOf } from './first-allowed.js';
import type { PolicyContext, PolicyEvaluation, PolicyRule, RuleResult } from './types.js';

/**
 * How far apart a release's predicted run is sampled. CheckRelease re-checks the policy set at every poll, at
 * most a minute apart (`pollSecondsFor`), so a window that closes for less than this cannot stop a release either.
 */
const sampleMs = 60_000;

/** How many closed windows the search for a start steps past before it gives up. */
const maxSteps = 64;

/**
 * How far past the instant a rule would stop a release the search looks, minute by minute, for the rule to allow
 * it again when the rule does not name that instant itself (`context.nextAllowed`): a week, the longest recurring
 * window's period. A window longer than that gets no later start in its remedy.
 */
const reopeningScanMs = 7 * 86_400_000;

/** A rule that would stop a running release: when, and each rule that would stop it then. */
export interface WindowOnRelease {
  at: Date;
  /** The rules' in-flight results at `at`, as CheckRelease would see them. */
  failed: RuleResult[];
}

/**
 * The first instant in [start, end] at which the policy set, evaluated as CheckRelease re-checks a running release
 * (`phase: 'in-flight'`), refuses the change, sampled every minute and at `end`: any rule that fails, whether or not
 * it names when it allows the change again. A release admitted into such a span is stopped and rolled back midway,
 * so admission refuses it instead. Every sample reads the signals in `ctx` (the revocation and error budget admission
 * looked up): a rule that depends only on them answers at every minute as it does at `start`, so one that passes
 * there passes throughout, and only what time changes (a window, a delegation's expiry) can meet the release.
 * Example: a 13-minute release from 23:55 before a freeze at midnight → `{ at: 00:00, failed: [freeze] }`.
 */
export function windowClosingDuring(
  ctx: PolicyContext,
  rules: readonly PolicyRule[],
  start: Date,
  end: Date,
): WindowOnRelease | undefined {
  return releaseRun(ctx, rules, start, end).met;
}

/** A rule that lets a running release go on only by an exemption, from the first instant it does. */
export interface ExemptionOnRelease {
  at: Date;
  /** The rule's in-flight result at `at`: `exempted`, recording who declared the exemption. */
  result: RuleResult;
}

/**
 * A release's predicted run [start, end], sampled as `windowClosingDuring` samples it: the first instant a rule
 * stops it (`met`), and before that each rule that lets it go on only by an exemption, from the first instant it
 * does (`exempted`). A break-glass through a freeze that opens during the run is such an exemption: CheckRelease
 * would rely on it there, so admission records it as if the release started in the window.
 * Example: an emergency fix of an incident from 23:55 before a freeze at midnight →
 * `{ exempted: [{ at: 00:00, result: freeze exempted }] }`.
 * After the first sample only the rules that read the instant there are asked again (`evaluateNotingTime`): every
 * other one answers as it did, which neither failed (the run would have been met) nor records a new exemption.
 */
export function releaseRun(
  ctx: PolicyContext,
  rules: readonly PolicyRule[],
  start: Date,
  end: Date,
): { met?: WindowOnRelease; exempted: ExemptionOnRelease[] } {
  const exempted = new Map<string, ExemptionOnRelease>();
  // The rules asked at every sample after the first: those that read the instant at the first.
  let timed: readonly PolicyRule[] | undefined;
  for (let at = start.getTime(); ; at = Math.min(at + sampleMs, end.getTime())) {
    const sample = { ...ctx, now: new Date(at), phase: 'in-flight' as const };
    let evaluation: Pick<PolicyEvaluation, 'results' | 'failed'>;
    if (timed === undefined) {
      const noted = evaluateNotingTime(sample, rules);
      timed = noted.timed;
      evaluation = noted;
    } else evaluation = evaluateRules(sample, timed);
    const { failed, results } = evaluation;
    for (const result of results) {
      if (result.status === 'exempted' && !exempted.has(result.rule)) {
        exempted.set(result.rule, { at: new Date(at), result });
      }
    }
    if (failed.length > 0) return { met: { at: new Date(at), failed }, exempted: [...exempted.values()] };
    if (at >= end.getTime()) return { exempted: [...exempted.values()] };
  }
}

/**
 * The first instant after `met.at`, before `limit`, at which every rule that would stop the release there allows a
 * running release again: the latest `nextAllowed` they name, or, for a rule that names none, found by evaluating it
 * minute by minute (for a week at most past any instant named). Undefined when no such instant is found.
 */
export function reopeningAfter(
  ctx: PolicyContext,
  rules: readonly PolicyRule[],
  met: WindowOnRelease,
  limit: Date,
): Date | undefined {
  const names = new Set(met.failed.map((result) => result.rule));
  const stopping = rules.filter((rule) => names.has(rule.name));
  let at = met.at.getTime();
  // Where the minute-by-minute scan began: each jump to a named instant starts a new one.
  let scanFrom = at;
  while (at <= limit.getTime() && at - scanFrom <= reopeningScanMs) {
    const { failed } = evaluateRules({ ...ctx, now: new Date(at), phase: 'in-flight' }, stopping);
    if (failed.length === 0) return new Date(at);
    const next = failed.map(nextAllowedOf);
    if (next.every((n) => n !== undefined && n > at)) {
      at = Math.max(...(next as number[]));
      scanFrom = at;
    } else {
      at += sampleMs;
    }
  }
  return undefined;
}

/**
 * The first instant from `ctx.now`, before `limit`, at which every rule allows the change to start and no rule
 * stops it during the `durationMs` its release is predicted to run. Undefined when a rule refuses for something
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
    const reopens = reopeningAfter(ctx, rules, met, limit);
    if (!reopens || reopens.getTime() <= start.getTime()) return undefined;
    from = reopens;
  }
  return undefined;
}
