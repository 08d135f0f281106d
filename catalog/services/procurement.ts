import type { ServiceInput } from '../../lambdas/core/catalog-schema.js';
import { bool, objectContract, usd } from '../contracts.js';

/** Procurement: request, vendor evaluation, compliance checks, approval and purchase-order issuance. */
export const procurement = {
  name: 'procurement',
  title: 'Procurement approvals',
  ownerTeam: 'procurement',
  owners: ['nina'],
  changeRoles: ['procurement-lead'],
  timeZone: 'America/Chicago',
  environment: 'prod',
  dependencies: ['policy-registry', 'access-review'],
  dataClassification: 'confidential',
  complianceDomains: ['SOC2'],
  tags: { businessUnit: 'finance', serviceLine: 'procure-to-pay' },
  // Purchase approvals route to people; a broken approval chain must be noticed the same day.
  businessHours: { weekdays: [1, 2, 3, 4, 5], from: '08:00', to: '17:00' },
  slo: { availabilityObjective: 0.995, errorRate: 0.002, latencyP99Ms: 600, errorBudgetRemaining: 0.69 },
  profiles: {
    'approval-matrix': {
      type: 'freeform',
      contracts: {
        '1.0.0': objectContract({
          autoApproveBelowUsd: usd,
          securityReviewAboveUsd: usd,
          preferredVendorsOnly: bool,
          maxVendorRiskTier: { type: 'integer', minimum: 1, maximum: 4 },
        }),
      },
    },
  },
} satisfies ServiceInput;
