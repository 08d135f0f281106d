import type { ServiceInput } from '../../lambdas/core/catalog-schema.js';
import { flagsContract, objectContract, positiveInt } from '../contracts.js';

/** Hiring pipeline: sourcing, screening, interviews, offers and onboarding. */
export const hiringPortal = {
  name: 'hiring-portal',
  title: 'Hiring portal',
  ownerTeam: 'people',
  owners: ['laura'],
  changeRoles: ['engineering-manager', 'engineer'],
  timeZone: 'Europe/Berlin',
  environment: 'prod',
  dependencies: ['launch-flags', 'access-review'],
  dataClassification: 'confidential',
  complianceDomains: ['GDPR'],
  tags: { businessUnit: 'people', serviceLine: 'talent-acquisition' },
  // Candidate data stays in the EU; works-council and hiring-law reviews cover these countries only.
  legal: {
    dataResidency: 'EU',
    clearedCountries: ['DE', 'GB', 'IE', 'NL', 'US'],
    contact: 'employment-counsel',
  },
  slo: { availabilityObjective: 0.995, errorRate: 0.002, latencyP99Ms: 900, errorBudgetRemaining: 0.58 },
  profiles: {
    flags: {
      type: 'feature-flags',
      contracts: {
        '1.0.0': flagsContract({
          'structured-interview-kits': {},
          'auto-scheduling': { maxInterviewsPerDay: { type: 'integer', minimum: 1, maximum: 8 } },
        }),
      },
    },
    screening: {
      type: 'freeform',
      contracts: {
        '1.0.0': objectContract({
          screeningSlaDays: positiveInt,
          anonymiseResumes: { type: 'boolean' },
        }),
      },
    },
  },
} satisfies ServiceInput;
