import { findSecrets } from '../../lambdas/core/policy/secrets.js';
import type { PolicyContext, PolicyRule, RuleResult } from '../../lambdas/core/policy/types.js';

const name = 'security-no-literal-secrets';
const domain = 'security';

/** Configuration is deployed and logged widely, so secrets travel as references, never as literals. */
function evaluate({ intent }: PolicyContext): RuleResult {
  const findings = findSecrets(intent.change.payload, 'change.payload');
  if (findings.length === 0) {
    return {
      rule: name,
      domain,
      status: 'compliant',
      reason: 'the payload holds no secret-looking values',
      context: {},
    };
  }
  const paths = findings.map((f) => f.path);
  return {
    rule: name,
    domain,
    status: 'non-compliant',
    reason: `the payload holds secret-looking values at ${paths.join(', ')} (${[...new Set(findings.map((f) => f.kind))].join('; ')})`,
    remedy:
      'Store the secrets in AWS Secrets Manager (or SSM SecureString) and put their ARN or a {{resolve:secretsmanager:…}} reference in the payload; rotate any secret already exposed.',
    context: { findings },
  };
}

export const securityNoLiteralSecrets: PolicyRule = {
  name,
  version: '1.1.0',
  domain,
  description:
    "The payload carries nothing the door's secret rule set (gitleaks' patterns) matches, and no literal values under password/secret/token keys.",
  evaluate,
};
