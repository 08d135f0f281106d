import type { RecordedDelegationInput } from '../lambdas/core/principals/principal-schema.js';

/**
 * Who acts for whom. A delegation lives here, reviewed like any catalog change, and nowhere else: an intent
 * may cite one, never create one. Each is bounded by services, a role and an expiry.
 */
export const delegations: RecordedDelegationInput[] = [
  {
    from: 'nina',
    to: 'oscar',
    role: 'procurement-lead',
    services: ['procurement'],
    expiresAt: '2027-12-15T00:00:00Z',
    reason: 'approval matrix rework while the procurement lead is on leave',
  },
  {
    from: 'alice',
    to: 'ci-growth',
    role: 'engineer',
    services: ['launch-flags', 'customer-onboarding'],
    expiresAt: '2027-12-15T00:00:00Z',
    reason: 'flag and onboarding configuration changes merged to main release from CI',
  },
  {
    from: 'grace',
    to: 'ci-sre',
    role: 'sre',
    services: ['incident-router'],
    expiresAt: '2027-12-15T00:00:00Z',
    reason: 'routing thresholds tuned from the SRE runbook repository',
  },
];
