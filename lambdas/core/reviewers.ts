import type { Catalog, ComplianceDomain, Service } from './catalog-schema.js';

/** The service's compliance domains that need a reviewer of record, e.g. `['HIPAA']`. */
export function reviewerDomainsOf(
  service: Service,
  reviewedDomains: readonly ComplianceDomain[],
): ComplianceDomain[] {
  return service.complianceDomains.filter((d) => reviewedDomains.includes(d));
}

/**
 * Who may act as reviewer of record for a change to `service`: the catalog's reviewers for its reviewed
 * compliance domains (HIPAA/SOX/PCI in the shipped policy set) when it has any, otherwise the service's owners.
 * Never the requester (separation of duties). Example: patient-records (HIPAA) → the HIPAA reviewers.
 */
export function eligibleReviewers(
  service: Service,
  catalog: Catalog,
  requester: string,
  reviewedDomains: readonly ComplianceDomain[],
): string[] {
  return reviewerCandidates(service, catalog, reviewedDomains).filter((principal) => principal !== requester);
}

/**
 * Who decides a review of a change to `service` before separation of duties: the catalog's reviewers for its
 * reviewed compliance domains when it has any, otherwise its owners, each once.
 */
export function reviewerCandidates(
  service: Service,
  catalog: Catalog,
  reviewedDomains: readonly ComplianceDomain[],
): string[] {
  const domains = reviewerDomainsOf(service, reviewedDomains);
  const candidates =
    domains.length > 0 ? domains.flatMap((domain) => catalog.reviewers[domain] ?? []) : service.owners;
  return [...new Set(candidates)];
}
