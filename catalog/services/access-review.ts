import type { ServiceInput } from '../../lambdas/core/catalog-schema.js';
import { bool, objectContract, positiveInt } from '../contracts.js';

/** Security access review: attestation campaigns, remediation and evidence for compliance sign-off. */
export const accessReview = {
  name: 'access-review',
  title: 'Security access review',
  ownerTeam: 'governance',
  owners: ['judy', 'ken'],
  changeRoles: ['engineering-manager', 'compliance-engineer'],
  timeZone: 'Europe/London',
  environment: 'prod',
  dependencies: ['policy-registry'],
  dataClassification: 'confidential',
  complianceDomains: ['SOC2'],
  tags: { businessUnit: 'governance', serviceLine: 'identity-governance' },
  slo: { availabilityObjective: 0.999, errorRate: 0.0004, latencyP99Ms: 400, errorBudgetRemaining: 0.75 },
  profiles: {
    campaign: {
      type: 'freeform',
      contracts: {
        '1.0.0': objectContract({
          cadenceDays: positiveInt,
          attestationDeadlineDays: positiveInt,
          autoRevokeOnExpiry: bool,
          scopes: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: { enum: ['production', 'customer-data', 'finance', 'clinical'] },
          },
        }),
      },
    },
  },
} satisfies ServiceInput;
