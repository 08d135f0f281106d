import { reviewerDomainsOf } from '../../policies/index.js';
import type { Catalog, Service } from './catalog-schema.js';

/**
 * Who may act as reviewer of record for a change to `service`: the catalog's reviewers for its
 * HIPAA/SOX/PCI domains when it has any, otherwise the service's owners. Never the requester
 * (separation of duties). Example: patient-records (HIPAA) → the HIPAA reviewers.
 */
export function eligibleReviewers(service: Service, catalog: Catalog, requester: string): string[] {
  const domains = reviewerDomainsOf(service);
  const candidates =
    domains.length > 0 ? domains.flatMap((domain) => catalog.reviewers[domain] ?? []) : service.owners;
  return [...new Set(candidates)].filter((principal) => principal !== requester);
}
