import type { ServiceInput } from '../../lambdas/core/catalog-schema.js';
import { fraction, objectContract, positiveInt } from '../contracts.js';

/** Incident response: turns alarms into pages and routes them to the right on-call rotation. */
export const incidentRouter = {
  name: 'incident-router',
  title: 'Incident router',
  ownerTeam: 'sre',
  owners: ['grace'],
  changeRoles: ['sre-lead', 'sre'],
  timeZone: 'UTC',
  environment: 'prod',
  dependencies: ['launch-flags'],
  dataClassification: 'internal',
  complianceDomains: [],
  tags: { businessUnit: 'operations', serviceLine: 'incident-management' },
  slo: { availabilityObjective: 0.9999, errorRate: 4e-5, latencyP99Ms: 120, errorBudgetRemaining: 0.9 },
  profiles: {
    routing: {
      type: 'freeform',
      contracts: {
        '1.0.0': objectContract(
          {
            pageOnErrorRateAbove: fraction,
            pageAfterMinutes: positiveInt,
            escalateAfterMinutes: positiveInt,
            severityForCustomerImpact: { enum: ['sev1', 'sev2', 'sev3'] },
            postIncidentReviewFor: {
              type: 'array',
              items: { enum: ['sev1', 'sev2', 'sev3'] },
              uniqueItems: true,
            },
          },
          ['pageOnErrorRateAbove', 'pageAfterMinutes', 'escalateAfterMinutes'],
        ),
      },
    },
  },
} satisfies ServiceInput;
