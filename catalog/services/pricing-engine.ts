import type { ServiceInput } from '../../lambdas/core/catalog-schema.js';
import { flagsContract, objectContract, percent, usd } from '../contracts.js';

/** Sales deal desk: discount guardrails and approval thresholds for quotes. */
export const pricingEngine = {
  name: 'pricing-engine',
  title: 'Deal desk pricing engine',
  ownerTeam: 'revenue',
  owners: ['dana'],
  changeRoles: ['engineering-manager', 'engineer'],
  timeZone: 'America/New_York',
  environment: 'prod',
  dependencies: ['launch-flags', 'policy-registry'],
  dataClassification: 'confidential',
  complianceDomains: ['SOC2'],
  tags: { businessUnit: 'revenue', serviceLine: 'deal-desk' },
  slo: { availabilityObjective: 0.999, errorRate: 0.0004, latencyP99Ms: 250, errorBudgetRemaining: 0.64 },
  profiles: {
    'discount-policy': {
      type: 'freeform',
      contracts: {
        '1.0.0': objectContract({
          maxDiscountPercent: { ...percent, maximum: 60 },
          approvalThresholdUsd: usd,
          legalReviewAboveUsd: usd,
          currency: { enum: ['USD', 'EUR', 'GBP'] },
        }),
        '1.1.0': objectContract(
          {
            maxDiscountPercent: { ...percent, maximum: 60 },
            approvalThresholdUsd: usd,
            legalReviewAboveUsd: usd,
            currency: { enum: ['USD', 'EUR', 'GBP'] },
            regionalMaxDiscountPercent: {
              type: 'object',
              propertyNames: { enum: ['NA', 'EMEA', 'APAC', 'LATAM'] },
              additionalProperties: { ...percent, maximum: 60 },
            },
          },
          ['maxDiscountPercent', 'approvalThresholdUsd', 'legalReviewAboveUsd', 'currency'],
        ),
      },
    },
    flags: {
      type: 'feature-flags',
      contracts: { '1.0.0': flagsContract({ 'usage-based-pricing': {} }) },
    },
  },
} satisfies ServiceInput;
