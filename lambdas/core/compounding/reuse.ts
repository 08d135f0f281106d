import type { ComplianceDomain, Service } from '../catalog-schema.js';
import { reviewerDomainsOf } from '../reviewers.js';
import type { CachedDecision } from './decision-cache.js';

/** Whether a cached decision may stand in for this intent's review, and why (or why not). */
export interface ReuseVerdict {
  reuse: boolean;
  reason: string;
}

/**
 * A standard change: a decision with the same fingerprint was validated (reviewed, where its tier asked for it)
 * and released cleanly, so this intent needs no new review. Never where a compliance regime wants a named approver
 * for every change (HIPAA, SOX, PCI in the policy set): reuse would skip a control, not a risk check.
 */
export function reuseVerdict(
  cached: CachedDecision | undefined,
  service: Service,
  reviewedDomains: readonly ComplianceDomain[],
): ReuseVerdict {
  if (!cached) return { reuse: false, reason: 'no decision with this fingerprint has been released cleanly' };
  const regimes = reviewerDomainsOf(service, reviewedDomains);
  if (regimes.length > 0) {
    return {
      reuse: false,
      reason: `${regimes.join(', ')} requires a reviewer of record for every change; ${cached.decisionId} is not reused`,
    };
  }
  return {
    reuse: true,
    reason: `standard change: ${cached.decisionId} (intent ${cached.intentId}) has this fingerprint and released cleanly at ${cached.releasedAt}${cached.reviewer ? `, approved by ${cached.reviewer}` : ''}`,
  };
}
