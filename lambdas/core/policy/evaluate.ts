import { canonicalDigest } from '../ledger/canonical-json.js';
import { recordsExemption } from './exemptions.js';
import type { PolicyContext, PolicyEvaluation, PolicyRule, RuleResult } from './types.js';

// Policy sets are built once and never mutated, so each array's hash is computed once per process.
const hashes = new WeakMap<readonly PolicyRule[], string>();

/** Hex SHA-256 of the policy set's identity: each rule's name, version and parameters, in name order. */
export function policySetHash(rules: readonly PolicyRule[]): string {
  const cached = hashes.get(rules);
  if (cached) return cached;
  const identity = rules
    .map((r) => ({ name: r.name, version: r.version, parameters: r.parameters ?? null }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const hash = canonicalDigest(identity);
  hashes.set(rules, hash);
  return hash;
}

function runRule(rule: PolicyRule, ctx: PolicyContext): RuleResult {
  try {
    const result = rule.evaluate(ctx);
    // An exemption nobody can see on the record is none: fail closed, as for a rule that cannot decide.
    if (result.status === 'exempted' && !recordsExemption(result.context)) {
      return {
        ...result,
        status: 'non-compliant',
        reason: `rule ${rule.name} exempted the change without recording who declared the exemption: ${result.reason}`,
        remedy: 'Fix the rule: an exemption records its kind and who declared it in context.exemption.',
      };
    }
    return result;
  } catch (error) {
    // Fail closed: a rule that cannot decide must not let the change through.
    return {
      rule: rule.name,
      domain: rule.domain,
      status: 'non-compliant',
      reason: `rule ${rule.name} could not be evaluated: ${(error as Error).message}`,
      remedy: 'Fix the rule or its data; the change cannot be admitted until every rule decides.',
      context: { error: (error as Error).name },
    };
  }
}

/**
 * `evaluatePolicy`, also naming the rules that read `ctx.now` (`timed`). A rule is a pure function of its context,
 * so one that never read the instant answers the same at any other instant with the rest of the context unchanged:
 * sampling a span of time need ask only the timed rules again. A rule that copies the context (a spread) reads
 * `now` with the rest and counts as timed.
 */
export function evaluateNotingTime(
  ctx: PolicyContext,
  rules: readonly PolicyRule[],
): PolicyEvaluation & { timed: PolicyRule[] } {
  const timed: PolicyRule[] = [];
  // One watched context for every rule, as evaluatePolicy hands every rule the same one: `read` says whether the
  // rule being run read the instant.
  let read = false;
  const watched = Object.defineProperty({ ...ctx }, 'now', {
    enumerable: true,
    get: () => {
      read = true;
      return ctx.now;
    },
  });
  const results = rules.map((rule) => {
    read = false;
    const result = runRule(rule, watched);
    if (read) timed.push(rule);
    return result;
  });
  return { ...evaluationOf(outcomeOf(results), rules), timed };
}

/** Evaluates every rule; any non-compliant result denies. A rule that throws counts as non-compliant. */
export function evaluatePolicy(ctx: PolicyContext, rules: readonly PolicyRule[]): PolicyEvaluation {
  return evaluationOf(evaluateRules(ctx, rules), rules);
}

/**
 * The rules' results and the failed ones among them, as `evaluatePolicy` finds them, without the set's hash: for
 * the searches over time (a release's run sampled minute by minute, the first instant a window opens), which ask a
 * few rules again at many instants and record no evaluation. Their rule lists are made per search, so the hash,
 * kept per list, would be worked out afresh for each.
 */
export function evaluateRules(
  ctx: PolicyContext,
  rules: readonly PolicyRule[],
): Pick<PolicyEvaluation, 'results' | 'failed'> {
  return outcomeOf(rules.map((rule) => runRule(rule, ctx)));
}

/** The rules' results with the failed ones among them: any non-compliant result fails. */
function outcomeOf(results: RuleResult[]): Pick<PolicyEvaluation, 'results' | 'failed'> {
  return { results, failed: results.filter((r) => r.status === 'non-compliant') };
}

/** The rules' outcome as the evaluation of the set `rules`: denied by any failed rule. */
function evaluationOf(
  { results, failed }: Pick<PolicyEvaluation, 'results' | 'failed'>,
  rules: readonly PolicyRule[],
): PolicyEvaluation {
  return {
    verdict: failed.length === 0 ? 'allow' : 'deny',
    results,
    failed,
    policySetHash: policySetHash(rules),
  };
}
