import { checkPolicySet } from '../lambdas/core/policy/check-policy-set.js';
import type { PolicyRule, PolicySet } from '../lambdas/core/policy/types.js';
import { authorityEmergencyOverride } from './rules/authority-emergency-override.js';
import { authorityNotRevoked } from './rules/authority-not-revoked.js';
import { authorityOwnerOrDelegate } from './rules/authority-owner-or-delegate.js';
import { authorityProfileRoles } from './rules/authority-profile-roles.js';
import {
  complianceReviewerOfRecord,
  reviewedComplianceDomains,
} from './rules/compliance-reviewer-of-record.js';
import { legalCountryClearance } from './rules/legal-country-clearance.js';
import { legalDataResidency } from './rules/legal-data-residency.js';
import { operationalBusinessHours } from './rules/operational-business-hours.js';
import { operationalErrorBudget } from './rules/operational-error-budget.js';
import { operationalFreezeWindow } from './rules/operational-freeze-window.js';
import { securityNoLiteralSecrets } from './rules/security-no-literal-secrets.js';

/**
 * The policy set itv admits intents against, in evaluation order; checked as it loads (`checkPolicySet`), so a
 * duplicate name or a version that is not semver stops every process that would run it, naming the rule and field.
 */
export const policySet: readonly PolicyRule[] = checkPolicySet([
  authorityOwnerOrDelegate,
  authorityNotRevoked,
  authorityProfileRoles,
  authorityEmergencyOverride,
  operationalFreezeWindow,
  operationalBusinessHours,
  operationalErrorBudget,
  securityNoLiteralSecrets,
  complianceReviewerOfRecord,
  legalDataResidency,
  legalCountryClearance,
]);

/** What the composition roots hand the engine: the rules above and the domains that need a reviewer. */
export const defaultPolicySet: PolicySet = { rules: policySet, reviewedDomains: reviewedComplianceDomains };

export { defaultBusinessHours } from './business-hours.js';
export { emergencyOverrideAuthority } from './emergency-override.js';
export { freezeWindows } from './freeze-windows.js';
export { residencyRegions } from './jurisdictions.js';
export { type ProfileRoleRequirement, profileRolesRule } from './rules/authority-profile-roles.js';
export { reviewedComplianceDomains } from './rules/compliance-reviewer-of-record.js';
export { freezeWindowRule } from './rules/operational-freeze-window.js';
