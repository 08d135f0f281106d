import { ConfigurationError } from '../../../lambdas/core/errors.js';
import { checkPolicySet } from '../../../lambdas/core/policy/check-policy-set.js';
import type { PolicyRule } from '../../../lambdas/core/policy/types.js';
import { policySet } from '../../../policies/index.js';
import { operationalErrorBudget } from '../../../policies/rules/operational-error-budget.js';

describe('checkPolicySet: the policy set as loaded', () => {
  test('the shipped set passes, unchanged', () => {
    expect(checkPolicySet(policySet)).toBe(policySet);
  });

  test('a duplicate rule name is refused, naming the rule and the field', () => {
    // Prepare
    const rules: PolicyRule[] = [...policySet, { ...operationalErrorBudget }];

    // Act, Assess
    expect(() => checkPolicySet(rules)).toThrow(ConfigurationError);
    expect(() => checkPolicySet(rules)).toThrow(
      `policy rule "operational-error-budget" (#${policySet.length}): field "name" is also the name of rule #${policySet.indexOf(operationalErrorBudget)}`,
    );
  });

  test('a version that is not semver is refused, naming the rule and the field', () => {
    // Prepare
    const rules: PolicyRule[] = [
      ...policySet.filter((r) => r !== operationalErrorBudget),
      { ...operationalErrorBudget, version: 'v1' },
    ];

    // Act, Assess
    expect(() => checkPolicySet(rules)).toThrow(
      /policy rule "operational-error-budget" \(#\d+\): field "version" is "v1", not a semantic version/,
    );
  });

  test('every problem is named at once', () => {
    // Prepare
    const rules = [
      { ...operationalErrorBudget, version: 'v1' },
      { ...operationalErrorBudget, domain: 'finance' },
    ] as unknown as PolicyRule[];

    // Act
    const message = (() => {
      try {
        checkPolicySet(rules);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();

    // Assess
    expect(message.split('\n')).toEqual([
      'the policy set is invalid:',
      'policy rule "operational-error-budget" (#0): field "version" is "v1", not a semantic version such as "1.0.0"',
      'policy rule "operational-error-budget" (#1): field "name" is also the name of rule #0; each rule needs its own',
      'policy rule "operational-error-budget" (#1): field "domain" is "finance", not one of authority, security, compliance, legal, operational',
    ]);
  });
});
