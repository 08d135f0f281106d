import type { ServiceInput } from '../../lambdas/core/catalog-schema.js';
import { bool, objectContract, usd } from '../contracts.js';

/** Finance close: reconciliation, close checklist, executive reporting and the audit packet (SOX). */
export const ledgerClose = {
  name: 'ledger-close',
  title: 'Ledger close',
  ownerTeam: 'finance',
  owners: ['paul'],
  changeRoles: ['controller', 'finance-engineer'],
  timeZone: 'America/New_York',
  environment: 'prod',
  dependencies: ['pricing-engine', 'procurement'],
  dataClassification: 'confidential',
  complianceDomains: ['SOX', 'SOC2'],
  tags: { businessUnit: 'finance', serviceLine: 'record-to-report' },
  // Close changes land while the controllers who sign the books off are at their desks.
  businessHours: { weekdays: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' },
  slo: { availabilityObjective: 0.999, errorRate: 0.0004, latencyP99Ms: 1500, errorBudgetRemaining: 0.8 },
  profiles: {
    'close-checklist': {
      type: 'freeform',
      contracts: {
        '1.0.0': objectContract({
          reconciliationToleranceUsd: usd,
          autoPostJournals: bool,
          signoffRoles: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } },
        }),
      },
    },
  },
} satisfies ServiceInput;
