import type { ComplianceDomain, Service } from '../catalog-schema.js';
import { reviewerDomainsOf } from '../reviewers.js';
import type { CachedDecision } from './decision-cache.js';

/** Whether a cached decision may stand in for this intent's review, the facts that decided it, and why. */
export interface ReuseVerdict {
  reuse: boolean;
  /** The decision cached under this fingerprint, or null when none released cleanly. */
  cachedDecisionId: string | null;
  /** The service's compliance regimes that want a reviewer of record for every change (none: reuse may apply). */
  reviewRegimes: string[];
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
  const reviewRegimes = cached ? reviewerDomainsOf(service, reviewedDomains) : [];
  const facts = { cachedDecisionId: cached?.decisionId ?? null, reviewRegimes };
  const reuse = cached !== undefined && reviewRegimes.length === 0;
  return { reuse, ...facts, reason: reuseReason(facts, reuse ? cached : undefined) };
}

/**
 * Why a decision was or was not reused, in words, from the facts the ledger records (`verification.*` holds
 * `reuse`, `decision.reused` the decision reused): e.g. `HIPAA requires a reviewer of record for every change;
 * dec-1 is not reused`.
 */
export function reuseReason(
  facts: { cachedDecisionId: string | null; reviewRegimes: readonly string[] },
  reused?: Pick<CachedDecision, 'decisionId' | 'intentId' | 'releasedAt' | 'reviewer'>,
): string {
  if (reused) {
    return `standard change: ${reused.decisionId} (intent ${reused.intentId}) has this fingerprint and released cleanly at ${reused.releasedAt}${reused.reviewer ? `, approved by ${reused.reviewer}` : ''}`;
  }
  if (facts.cachedDecisionId === null) return 'no decision with this fingerprint has been released cleanly';
  return `${facts.reviewRegimes.join(', ')} requires a reviewer of record for every change; ${facts.cachedDecisionId} is not reused`;
}
