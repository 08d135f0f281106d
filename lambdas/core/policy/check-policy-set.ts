import { ConfigurationError } from '../errors.js';
import type { PolicyDomain, PolicyRule } from './types.js';

const domains: readonly PolicyDomain[] = ['authority', 'security', 'compliance', 'legal', 'operational'];

/** `major.minor.patch`, as `version` is bumped (a pre-release or build suffix allowed). */
const semver = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * The policy set as loaded, checked: each rule has a name no other rule has (results, exemptions and decision
 * reuse key on it), a semver `version` (part of the policy-set hash), a known domain, a description and an
 * `evaluate` function. Throws `ConfigurationError` naming every problem, a line each, by rule and field; returns
 * the rules unchanged. Example: `checkPolicySet([rule, { ...rule }])` throws `policy rule "<name>" (#1): field
 * "name" is also the name of rule #0; each rule needs its own`.
 */
export function checkPolicySet<T extends readonly PolicyRule[]>(rules: T): T {
  const problems: string[] = [];
  const first = new Map<string, number>();
  rules.forEach((rule, i) => {
    const name = typeof rule?.name === 'string' && rule.name.length > 0 ? rule.name : undefined;
    const which = name ? `policy rule "${name}" (#${i})` : `policy rule #${i}`;
    if (!name) problems.push(`${which}: field "name" is missing; each rule needs a stable name`);
    else if (first.has(name)) {
      problems.push(
        `${which}: field "name" is also the name of rule #${first.get(name)}; each rule needs its own`,
      );
    } else first.set(name, i);
    if (typeof rule?.version !== 'string' || !semver.test(rule.version)) {
      problems.push(
        `${which}: field "version" is ${JSON.stringify(rule?.version)}, not a semantic version such as "1.0.0"`,
      );
    }
    if (!domains.includes(rule?.domain)) {
      problems.push(
        `${which}: field "domain" is ${JSON.stringify(rule?.domain)}, not one of ${domains.join(', ')}`,
      );
    }
    if (typeof rule?.description !== 'string' || rule.description.trim().length === 0) {
      problems.push(`${which}: field "description" is missing; say what the rule allows`);
    }
    if (typeof rule?.evaluate !== 'function') problems.push(`${which}: field "evaluate" is not a function`);
  });
  if (problems.length > 0) throw new ConfigurationError(`the policy set is invalid:\n${problems.join('\n')}`);
  return rules;
}
