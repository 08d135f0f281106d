import type { RecordedDelegationInput } from '../lambdas/core/principals/principal-schema.js';

/**
 * Who acts for whom. A delegation lives here, reviewed like any catalog change, and nowhere else: an intent
 * may cite one, never create one. Each is bounded by services, a role and an expiry.
 *
 * These are the sample's, and end on a far date on purpose: `npm start`, the README's commands and the CI examples
 * run at today's date, and a date within reach (they once ended 2027-12-15) would refuse oscar's sample intent and
 * every CI report on the day it passed. The format has no relative expiry, and one computed at load time would
 * change the terms the ledger records (and that examples/09 cites) from run to run. A real catalog's delegation
 * ends when the arrangement it records does; grants made at run time (`itv delegate`) last at most 90 days.
 */
const sampleExpiry = '2099-12-31T00:00:00Z';

export const delegations: RecordedDelegationInput[] = [
  {
    from: 'nina',
    to: 'oscar',
    role: 'procurement-lead',
    services: ['procurement'],
    expiresAt: sampleExpiry,
    reason: 'approval matrix rework while the procurement lead is on leave',
  },
  {
    from: 'alice',
    to: 'ci-growth',
    role: 'engineer',
    services: ['launch-flags', 'customer-onboarding'],
    expiresAt: sampleExpiry,
    reason: 'flag and onboarding configuration changes merged to main release from CI',
  },
  {
    from: 'grace',
    to: 'ci-sre',
    role: 'sre',
    services: ['incident-router'],
    expiresAt: sampleExpiry,
    reason: 'routing thresholds tuned from the SRE runbook repository',
  },
];
