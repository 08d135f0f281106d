import type { ServiceInput } from '../../lambdas/core/catalog-schema.js';
import { flagsContract, percent } from '../contracts.js';

const v1 = {
  'new-checkout': { rolloutPercent: percent },
  'dark-mode': {},
};

/** Product launch: the feature flags every customer-facing product reads. */
export const launchFlags = {
  name: 'launch-flags',
  title: 'Product launch feature flags',
  ownerTeam: 'growth',
  owners: ['alice'],
  changeRoles: ['engineering-manager', 'engineer', 'product-manager'],
  timeZone: 'America/Los_Angeles',
  environment: 'prod',
  dependencies: [],
  dataClassification: 'internal',
  complianceDomains: ['SOC2'],
  tags: { businessUnit: 'commerce', productLine: 'checkout', serviceLine: 'storefront' },
  slo: { availabilityObjective: 0.9995, errorRate: 0.0002, latencyP99Ms: 40, errorBudgetRemaining: 0.82 },
  profiles: {
    flags: {
      type: 'feature-flags',
      contracts: {
        '1.0.0': flagsContract(v1),
        '1.1.0': flagsContract({
          ...v1,
          'guided-onboarding-tour': { audience: { enum: ['all', 'new-accounts', 'enterprise'] } },
        }),
      },
    },
  },
} satisfies ServiceInput;
