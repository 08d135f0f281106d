import type { ServiceInput } from '../../lambdas/core/catalog-schema.js';
import { bool, objectContract, positiveInt } from '../contracts.js';

/** Customer support escalation: intake, categorisation, escalation, resolution and root-cause tracking. */
export const supportEscalation = {
  name: 'support-escalation',
  title: 'Support escalation',
  ownerTeam: 'support',
  owners: ['sam'],
  changeRoles: ['engineer', 'support-lead'],
  timeZone: 'Asia/Singapore',
  environment: 'prod',
  dependencies: ['incident-router', 'model-gateway', 'customer-onboarding'],
  dataClassification: 'confidential',
  complianceDomains: ['GDPR'],
  tags: { businessUnit: 'operations', serviceLine: 'customer-support' },
  // The October paging storm spent the 30-day error budget: only fixes go out until it recovers.
  slo: { availabilityObjective: 0.999, errorRate: 0.0004, latencyP99Ms: 700, errorBudgetRemaining: 0 },
  profiles: {
    escalation: {
      type: 'freeform',
      contracts: {
        '1.0.0': objectContract({
          tier2AfterMinutes: positiveInt,
          tier3AfterMinutes: positiveInt,
          autoCategorize: bool,
          priorityCustomerTiers: {
            type: 'array',
            uniqueItems: true,
            items: { enum: ['enterprise', 'mid-market', 'smb'] },
          },
        }),
      },
    },
  },
} satisfies ServiceInput;
