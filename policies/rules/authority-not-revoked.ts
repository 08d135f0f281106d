import type { PolicyContext, PolicyRule, RuleResult } from '../../lambdas/core/policy/types.js';

const name = 'authority-not-revoked';
const domain = 'authority';

/**
 * An owner can revoke a principal's authority, or one delegation, at any time (see
 * `lambdas/core/pipeline/revocations.ts`). The stage that evaluates the policy set looks the revocation up and
 * passes it as a signal; without that signal the rule does not apply (a pure caller has nothing to read).
 */
function evaluate({ intent, service, signals }: PolicyContext): RuleResult {
  const revoked = signals?.authorityRevoked;
  if (signals === undefined || !('authorityRevoked' in signals)) {
    return {
      rule: name,
      domain,
      status: 'not-applicable',
      reason: 'no revocation lookup was made for this evaluation',
      context: {},
    };
  }
  if (!revoked) {
    return {
      rule: name,
      domain,
      status: 'compliant',
      reason: `no revocation voids ${intent.authority.requester}'s authority over ${service.name}`,
      context: { revocation: null },
    };
  }
  return {
    rule: name,
    domain,
    status: 'non-compliant',
    reason: `${intent.authority.requester} no longer holds authority over ${service.name}: ${revoked}`,
    remedy: `Have an owner of ${service.name} (${service.owners.join(', ') || 'none listed'}) submit it, or obtain a new delegation from one.`,
    context: { revocation: revoked },
  };
}

export const authorityNotRevoked: PolicyRule = {
  name,
  version: '1.0.0',
  domain,
  description:
    'A requester whose authority (or the delegation they rely on) was revoked may not change the service.',
  evaluate,
};
