import type { ComplianceDomain } from '../../lambdas/core/catalog-schema.js';
import type { PolicyContext, PolicyRule, RuleResult } from '../../lambdas/core/policy/types.js';
import { reviewerDomainsOf } from '../../lambdas/core/reviewers.js';

const name = 'compliance-reviewer-of-record';
const domain = 'compliance';

/** Regimes whose controls require a named human approver for every production change. */
export const reviewedComplianceDomains: readonly ComplianceDomain[] = ['HIPAA', 'SOX', 'PCI'];

/** HIPAA/SOX/PCI-scoped changes proceed only with a reviewer of record; the rule flags it rather than denying. */
function evaluate({ service, catalog }: PolicyContext): RuleResult {
  const domains = reviewerDomainsOf(service, reviewedComplianceDomains);
  if (domains.length === 0) {
    return {
      rule: name,
      domain,
      status: 'not-applicable',
      reason: `${service.name} is not in a ${reviewedComplianceDomains.join('/')} scope`,
      context: { requiresReviewer: false },
    };
  }
  const eligibleReviewers = [...new Set(domains.flatMap((d) => catalog.reviewers[d] ?? []))];
  return {
    rule: name,
    domain,
    status: 'compliant',
    reason: `${service.name} is ${domains.join(' and ')}-scoped: the change needs an approval from a reviewer of record`,
    remedy: `Approval from one of: ${eligibleReviewers.join(', ') || `a ${domains.join('/')} reviewer`}.`,
    context: { requiresReviewer: true, reviewerDomains: domains, eligibleReviewers },
  };
}

export const complianceReviewerOfRecord: PolicyRule = {
  name,
  version: '1.0.0',
  domain,
  description: 'HIPAA, SOX and PCI-scoped services need a reviewer of record for every change.',
  evaluate,
};
