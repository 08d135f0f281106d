import type { ComplianceDomain, Service } from '../catalog-schema.js';
import type { Intent } from '../intent.js';
import { reviewerDomainsOf } from '../reviewers.js';
import type { CachedDecision } from './decision-cache.js';

/** Whether a cached decision may stand in for this intent's review, the facts that decided it, and why. */
export interface ReuseVerdict extends ReuseFacts {
  reuse: boolean;
  reason: string;
}

/** The facts a verification records about reuse (`verification.*` `reuse`). */
export interface ReuseFacts {
  /** The decision cached under this fingerprint, or null when none released cleanly. */
  cachedDecisionId: string | null;
  /** The service's compliance regimes that want a reviewer of record for every change (none: reuse may apply). */
  reviewRegimes: string[];
  /** Set where the change waits for a review and cannot be rolled back: it is reviewed every time. */
  irreversible?: true;
  /** The cached decision's reviewer where they request this change or it is requested for them. */
  ownApproval?: string;
}

/** What of this intent decides whether a review may be skipped. */
export interface ReuseCandidate {
  /** Admission said a reviewer of record must approve it: reuse would skip that review. */
  requiresReviewer: boolean;
  reversibility: Intent['constraints']['reversibility'];
  /** Its requester, whom it is requested for and the grantors of the delegations it relies on. */
  parties: readonly string[];
}

/**
 * A standard change: a decision with the same fingerprint was validated (reviewed, where its tier asked for it)
 * and released cleanly, so this intent needs no new review. Never where a compliance regime wants a named approver
 * for every change (HIPAA, SOX, PCI in the policy set): reuse would skip a control, not a risk check. And where
 * reuse would skip a review, never for a change that cannot be rolled back (its new payload was never reviewed,
 * and a regression could not be undone), nor on the approval of a reviewer who requests this change or for whom
 * it is requested (no one approves their own change, not even through an earlier one).
 */
export function reuseVerdict(
  cached: CachedDecision | undefined,
  service: Service,
  reviewedDomains: readonly ComplianceDomain[],
  candidate: ReuseCandidate,
): ReuseVerdict {
  const facts: ReuseFacts = {
    cachedDecisionId: cached?.decisionId ?? null,
    reviewRegimes: cached ? reviewerDomainsOf(service, reviewedDomains) : [],
  };
  if (cached && candidate.requiresReviewer) {
    if (candidate.reversibility === 'irreversible') facts.irreversible = true;
    if (cached.reviewer !== undefined && candidate.parties.includes(cached.reviewer))
      facts.ownApproval = cached.reviewer;
  }
  const reuse =
    cached !== undefined &&
    facts.reviewRegimes.length === 0 &&
    !facts.irreversible &&
    facts.ownApproval === undefined;
  return { reuse, ...facts, reason: reuseReason(facts, reuse ? cached : undefined) };
}

/**
 * Why a decision was or was not reused, in words, from the facts the ledger records (`verification.*` holds
 * `reuse`, `decision.reused` the decision reused): e.g. `HIPAA requires a reviewer of record for every change;
 * dec-1 is not reused`.
 */
export function reuseReason(
  facts: ReuseFacts,
  reused?: Pick<CachedDecision, 'decisionId' | 'intentId' | 'releasedAt' | 'reviewer'>,
): string {
  if (reused) {
    return `standard change: ${reused.decisionId} (intent ${reused.intentId}) has this fingerprint and released cleanly at ${reused.releasedAt}${reused.reviewer ? `, approved by ${reused.reviewer}` : ''}`;
  }
  if (facts.cachedDecisionId === null) return 'no decision with this fingerprint has been released cleanly';
  const notReused = `${facts.cachedDecisionId} is not reused`;
  if (facts.reviewRegimes.length > 0)
    return `${facts.reviewRegimes.join(', ')} requires a reviewer of record for every change; ${notReused}`;
  if (facts.irreversible)
    return `an irreversible change is reviewed every time: its payload was never reviewed and a regression could not be rolled back; ${notReused}`;
  return `${facts.ownApproval} approved ${facts.cachedDecisionId} and requests this change (or it is requested for them): no one approves their own change; ${notReused}`;
}
