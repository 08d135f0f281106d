import type { ServiceInput } from '../../lambdas/core/catalog-schema.js';
import { bool, fraction, objectContract, positiveInt } from '../contracts.js';

const v1 = {
  kycProvider: { enum: ['onfido', 'persona', 'manual'] },
  riskScoreThreshold: fraction,
  autoProvision: bool,
  handoffSlaHours: positiveInt,
};

/** Customer onboarding: intake, verification, risk scoring, provisioning and customer-success handoff. */
export const customerOnboarding = {
  name: 'customer-onboarding',
  title: 'Customer onboarding',
  ownerTeam: 'growth',
  owners: ['alice', 'bob'],
  changeRoles: ['engineering-manager', 'engineer'],
  timeZone: 'Europe/Dublin',
  environment: 'prod',
  dependencies: ['pricing-engine', 'launch-flags', 'model-gateway', 'access-review'],
  dataClassification: 'confidential',
  complianceDomains: ['SOC2', 'GDPR'],
  tags: { businessUnit: 'growth', serviceLine: 'onboarding' },
  // KYC documents of EU customers are personal data under GDPR and stay in the EU.
  legal: { dataResidency: 'EU', contact: 'privacy-counsel' },
  slo: { availabilityObjective: 0.999, errorRate: 0.0004, latencyP99Ms: 800, errorBudgetRemaining: 0.71 },
  profiles: {
    verification: {
      type: 'freeform',
      contracts: {
        '1.0.0': objectContract(v1),
        '1.1.0': objectContract(
          { ...v1, verificationBatchSize: { type: 'integer', minimum: 1, maximum: 500 } },
          Object.keys(v1),
        ),
        '1.2.0': objectContract(
          {
            ...v1,
            verificationBatchSize: { type: 'integer', minimum: 1, maximum: 500 },
            // Where identity documents are processed: an AWS region, held to the service's data residency.
            verificationRegion: { type: 'string', pattern: '^[a-z]{2}(?:-gov)?-[a-z]+-[0-9]$' },
          },
          Object.keys(v1),
        ),
      },
    },
  },
} satisfies ServiceInput;
