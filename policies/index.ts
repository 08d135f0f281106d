import type { PolicyRule } from '../lambdas/core/policy/types.js';
import { authorityOwnerOrDelegate } from './rules/authority-owner-or-delegate.js';
import { complianceReviewerOfRecord } from './rules/compliance-reviewer-of-record.js';
import { operationalFreezeWindow } from './rules/operational-freeze-window.js';
import { securityNoLiteralSecrets } from './rules/security-no-literal-secrets.js';

/** The policy set itv admits intents against, in evaluation order. */
export const policySet: readonly PolicyRule[] = [
  authorityOwnerOrDelegate,
  operationalFreezeWindow,
  securityNoLiteralSecrets,
  complianceReviewerOfRecord,
];

export { freezeWindows } from './freeze-windows.js';
export { reviewedComplianceDomains, reviewerDomainsOf } from './rules/compliance-reviewer-of-record.js';
