import { type FreezeWindow, findFreeze } from '../../../lambdas/core/policy/freeze.js';
import { freezeWindows } from '../../../policies/freeze-windows.js';
import { NOW, service } from './fixtures.js';

describe('findFreeze with the published calendar', () => {
  test('no window holds any service at the reference instant', () => {
    for (const name of ['ledger-close', 'patient-records', 'launch-flags']) {
      expect(findFreeze(freezeWindows, service(name), NOW)).toBeUndefined();
    }
  });

  test('finance close covers the last two local days of the month for ledger-close only', () => {
    // Prepare: noon UTC on 29 November is inside the New York month end.
    const at = new Date('2026-11-29T12:00:00Z');
    // Act
    const finding = findFreeze(freezeWindows, service('ledger-close'), at);
    // Assess
    expect(finding?.active.window.name).toBe('finance-close');
    expect(finding?.active.start.toISOString()).toBe('2026-11-29T05:00:00.000Z');
    expect(finding?.nextAllowed.toISOString()).toBe('2026-12-01T05:00:00.000Z');
    expect(findFreeze(freezeWindows, service('pricing-engine'), at)).toBeUndefined();
  });

  test('the month end starts at local midnight, not UTC midnight', () => {
    expect(
      findFreeze(freezeWindows, service('ledger-close'), new Date('2026-11-29T04:59:00Z')),
    ).toBeUndefined();
  });

  test('back-to-back weekend days chain to Monday morning local time', () => {
    // Saturday 06:00 in Chicago; the weekend ends Monday 00:00 CST = 06:00Z.
    const finding = findFreeze(freezeWindows, service('patient-records'), new Date('2026-11-07T12:00:00Z'));
    expect(finding?.active.window.name).toBe('clinical-weekend');
    expect(finding?.nextAllowed.toISOString()).toBe('2026-11-09T06:00:00.000Z');
  });

  test('overlapping global and scoped windows chain to the last of them', () => {
    const finding = findFreeze(freezeWindows, service('ledger-close'), new Date('2026-12-30T12:00:00Z'));
    expect(finding?.chain.map((o) => o.window.name)).toEqual(
      expect.arrayContaining(['year-end-2026', 'finance-close', 'sox-quarter-end-reporting']),
    );
    expect(finding?.nextAllowed.toISOString()).toBe('2027-01-08T00:00:00.000Z');
  });
});

describe('findFreeze with custom windows', () => {
  const fridays: FreezeWindow = {
    name: 'friday-afternoon',
    reason: 'no deploys before the weekend',
    appliesTo: { complianceDomains: ['GDPR'] },
    schedule: { type: 'weekly', weekdays: [5], from: '15:00', to: '24:00' },
    timeZone: 'Europe/Berlin',
  };

  test('a weekly window in its own time zone, scoped by compliance domain', () => {
    // Friday 2026-11-06 16:00 in Berlin (CET, UTC+1).
    const at = new Date('2026-11-06T15:00:00Z');
    const finding = findFreeze([fridays], service('hiring-portal'), at);
    expect(finding?.active.start.toISOString()).toBe('2026-11-06T14:00:00.000Z');
    expect(finding?.nextAllowed.toISOString()).toBe('2026-11-06T23:00:00.000Z');
    expect(findFreeze([fridays], service('launch-flags'), at)).toBeUndefined();
    expect(findFreeze([fridays], service('hiring-portal'), new Date('2026-11-06T13:59:00Z'))).toBeUndefined();
  });
});
