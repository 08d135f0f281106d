import type { FreezeWindow } from '../lambdas/core/policy/freeze.js';

/**
 * Change-freeze calendar. Absolute windows are ISO intervals [start, end); recurring windows run in the
 * window's `timeZone`, or in each service's own time zone when none is given.
 */
export const freezeWindows: FreezeWindow[] = [
  {
    name: 'year-end-2026',
    reason: 'company-wide year-end change freeze while staffing is thin',
    appliesTo: 'all',
    schedule: { type: 'absolute', start: '2026-12-21T00:00:00Z', end: '2027-01-04T08:00:00Z' },
  },
  {
    name: 'finance-close',
    reason: 'month-end finance close: the books are being reconciled and reported',
    appliesTo: { services: ['ledger-close'] },
    schedule: { type: 'monthly-last-days', days: 2 },
  },
  {
    name: 'sox-quarter-end-reporting',
    reason: 'quarter-end executive reporting for SOX-scoped systems',
    appliesTo: { complianceDomains: ['SOX'] },
    schedule: { type: 'absolute', start: '2026-12-31T00:00:00Z', end: '2027-01-08T00:00:00Z' },
  },
  {
    name: 'clinical-weekend',
    reason: 'no clinical-systems changes at weekends, when on-site clinical informatics staff are off',
    appliesTo: { services: ['patient-records'] },
    schedule: { type: 'weekly', weekdays: [0, 6], from: '00:00', to: '24:00' },
  },
];
