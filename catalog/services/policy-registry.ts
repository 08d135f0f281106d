import type { ServiceInput } from '../../lambdas/core/catalog-schema.js';
import { objectContract, positiveInt } from '../contracts.js';

/** Policy change management: the published policy documents other services enforce. */
export const policyRegistry = {
  name: 'policy-registry',
  title: 'Policy registry',
  ownerTeam: 'governance',
  owners: ['judy'],
  changeRoles: ['engineering-manager', 'compliance-engineer'],
  timeZone: 'Europe/London',
  environment: 'prod',
  dependencies: [],
  dataClassification: 'internal',
  complianceDomains: ['SOC2'],
  tags: { businessUnit: 'governance', serviceLine: 'policy-management' },
  slo: { availabilityObjective: 0.9995, errorRate: 0.0002, latencyP99Ms: 90, errorBudgetRemaining: 0.88 },
  profiles: {
    policies: {
      type: 'freeform',
      contracts: {
        '1.0.0': objectContract({
          documents: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'title', 'version', 'effectiveFrom'],
              properties: {
                id: { type: 'string', pattern: '^POL-[0-9]{3,}$' },
                title: { type: 'string', minLength: 1 },
                version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+$' },
                effectiveFrom: { type: 'string', format: 'date' },
              },
            },
          },
          reviewCadenceDays: positiveInt,
        }),
      },
    },
  },
} satisfies ServiceInput;
