import type { ServiceInput } from '../../lambdas/core/catalog-schema.js';
import { bool, fraction, objectContract, positiveInt } from '../contracts.js';

/** Model evaluation: routes inference to approved models and enforces the evaluation gate. */
export const modelGateway = {
  name: 'model-gateway',
  title: 'Model gateway',
  ownerTeam: 'ml-platform',
  owners: ['tara'],
  changeRoles: ['engineering-manager', 'ml-engineer'],
  timeZone: 'America/Los_Angeles',
  environment: 'prod',
  dependencies: ['policy-registry', 'launch-flags'],
  dataClassification: 'confidential',
  complianceDomains: ['SOC2'],
  tags: { businessUnit: 'platform', serviceLine: 'ai-platform' },
  slo: { availabilityObjective: 0.999, errorRate: 0.0004, latencyP99Ms: 2500, errorBudgetRemaining: 0.55 },
  profiles: {
    routing: {
      type: 'freeform',
      contracts: {
        '1.0.0': objectContract({
          defaultModel: { type: 'string', pattern: '^[a-z0-9-]+@[0-9]+\\.[0-9]+$' },
          minBenchmarkScore: fraction,
          requireRiskReview: bool,
          maxTokensPerRequest: positiveInt,
        }),
      },
    },
  },
} satisfies ServiceInput;
