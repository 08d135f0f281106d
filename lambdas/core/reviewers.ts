import type { Catalog, ComplianceDomain, Service } from './catalog-schema.js';

/**
 * The capacity a reviewer of record decides in: an owner of the service, a reviewer of record for one of its
 * reviewed compliance domains, or a release steward (only for a break-glass: `reviewersByRole`).
 */
export const reviewerRoles = ['owner', 'compliance-reviewer', 'release-steward'] as const;
export type ReviewerRole = (typeof reviewerRoles)[number];

/** One who may decide a review, with the capacity they decide it in. */
export interface ReviewerCandidate {
  principal: string;
  as: ReviewerRole;
}

/** Whether the change a review decides is a break-glass (`pipeline/review.ts` `isBreakGlass`). */
export interface ReviewerOptions {
  breakGlass?: boolean;
}

/** The service's compliance domains that need a reviewer of record, e.g. `['HIPAA']`. */
export function reviewerDomainsOf(
  service: Service,
  reviewedDomains: readonly ComplianceDomain[],
): ComplianceDomain[] {
  return service.complianceDomains.filter((d) => reviewedDomains.includes(d));
}

/**
 * Who may act as reviewer of record for a change to `service`: the catalog's reviewers for its reviewed
 * compliance domains (HIPAA/SOX/PCI in the shipped policy set) when it has any, otherwise the service's owners
 * (and, for a break-glass, the release stewards). Never the requester (separation of duties).
 * Example: patient-records (HIPAA) → the HIPAA reviewers.
 */
export function eligibleReviewers(
  service: Service,
  catalog: Catalog,
  requester: string,
  reviewedDomains: readonly ComplianceDomain[],
  options: ReviewerOptions = {},
): string[] {
  return reviewerCandidates(service, catalog, reviewedDomains, options).filter(
    (principal) => principal !== requester,
  );
}

/**
 * Who decides a review of a change to `service` before separation of duties: the catalog's reviewers for its
 * reviewed compliance domains when it has any, otherwise its owners (and, for a break-glass, the release
 * stewards), each once.
 */
export function reviewerCandidates(
  service: Service,
  catalog: Catalog,
  reviewedDomains: readonly ComplianceDomain[],
  options: ReviewerOptions = {},
): string[] {
  return reviewersByRole(service, catalog, reviewedDomains, options).map(({ principal }) => principal);
}

/**
 * `reviewerCandidates` with the capacity each decides in, the first that applies. A break-glass (an emergency
 * fix let through a freeze) must still be approved by somebody other than its requester, and the one who may
 * declare it is often the service's only owner on call: so the release stewards, who already stop and retry
 * any intent, may decide it too — after the owners. A service with reviewed compliance domains keeps its domain
 * reviewers only: an emergency does not make a steward a HIPAA, SOX or PCI reviewer.
 * Example: incident-router (owner grace), break-glass → `[{ grace, owner }, { heidi, release-steward }]`.
 */
export function reviewersByRole(
  service: Service,
  catalog: Catalog,
  reviewedDomains: readonly ComplianceDomain[],
  options: ReviewerOptions = {},
): ReviewerCandidate[] {
  const domains = reviewerDomainsOf(service, reviewedDomains);
  const candidates: ReviewerCandidate[] =
    domains.length > 0
      ? domains.flatMap((domain) =>
          (catalog.reviewers[domain] ?? []).map((principal) => ({
            principal,
            as: 'compliance-reviewer' as const,
          })),
        )
      : [
          ...service.owners.map((principal) => ({ principal, as: 'owner' as const })),
          ...(options.breakGlass
            ? catalog.releaseStewards.map((principal) => ({ principal, as: 'release-steward' as const }))
            : []),
        ];
  const seen = new Set<string>();
  return candidates.filter(({ principal }) => !seen.has(principal) && seen.add(principal));
}
