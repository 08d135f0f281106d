import type { Catalog, CatalogData } from '../lambdas/core/catalog-schema.js';
import { parseCatalog } from '../lambdas/core/parse-catalog.js';
import { delegations } from './delegations.js';
import { principals } from './principals.js';
import { accessReview } from './services/access-review.js';
import { customerOnboarding } from './services/customer-onboarding.js';
import { hiringPortal } from './services/hiring-portal.js';
import { incidentRouter } from './services/incident-router.js';
import { launchFlags } from './services/launch-flags.js';
import { ledgerClose } from './services/ledger-close.js';
import { modelGateway } from './services/model-gateway.js';
import { patientRecords } from './services/patient-records.js';
import { policyRegistry } from './services/policy-registry.js';
import { pricingEngine } from './services/pricing-engine.js';
import { procurement } from './services/procurement.js';
import { supportEscalation } from './services/support-escalation.js';
import { releaseStewards, reviewers, teams } from './teams.js';

/** The catalog as authored; TypeScript modules so esbuild bundles it into every Lambda. */
export const catalogData: CatalogData = {
  principals,
  teams,
  reviewers,
  releaseStewards,
  delegations,
  services: [
    launchFlags,
    pricingEngine,
    customerOnboarding,
    incidentRouter,
    policyRegistry,
    accessReview,
    hiringPortal,
    procurement,
    ledgerClose,
    supportEscalation,
    modelGateway,
    patientRecords,
  ],
};

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

let loaded: Catalog | undefined;

/**
 * The validated, frozen catalog; validated once per process (shape and references), throws
 * `ConfigurationError` on bad data. Where payloads are validated, `checkContracts` also compiles its contracts.
 */
export function loadCatalog(): Catalog {
  loaded ??= deepFreeze(parseCatalog(catalogData));
  return loaded;
}
