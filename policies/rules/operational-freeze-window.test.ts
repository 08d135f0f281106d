import { contextFor, makeIntent } from '../../test/unit/core/fixtures.js';
import { operationalFreezeWindow as rule } from './operational-freeze-window.js';

const closeChange = makeIntent((d) => {
  d.authority = { requester: 'paul', team: 'finance', role: 'controller' };
  d.change = {
    service: 'ledger-close',
    profile: 'close-checklist',
    contractVersion: '1.0.0',
    kind: 'configuration',
    payload: { reconciliationToleranceUsd: 50, autoPostJournals: false, signoffRoles: ['controller'] },
  };
});

describe(rule.name, () => {
  test('compliant: no freeze window holds the service', () => {
    expect(rule.evaluate(contextFor(closeChange, new Date('2026-11-04T15:00:00Z'))).status).toBe('compliant');
  });

  test('non-compliant: names the window and the next allowed instant', () => {
    const result = rule.evaluate(contextFor(closeChange, new Date('2026-11-30T15:00:00Z')));
    expect(result).toMatchObject({
      status: 'non-compliant',
      domain: 'operational',
      context: { window: 'finance-close', nextAllowed: '2026-12-01T05:00:00.000Z' },
    });
    expect(result.reason).toMatch(/^ledger-close is in freeze window "finance-close"/);
    expect(result.remedy).toBe(
      'Resubmit at or after 2026-12-01T05:00:00.000Z, when no freeze holds ledger-close.',
    );
  });

  test('non-compliant: the global year-end freeze holds every service', () => {
    const result = rule.evaluate(contextFor(makeIntent(), new Date('2026-12-24T12:00:00Z')));
    expect(result.context).toMatchObject({
      window: 'year-end-2026',
      nextAllowed: '2027-01-04T08:00:00.000Z',
    });
  });

  describe('a recorded break-glass: an emergency fix of an incident', () => {
    const yearEnd = new Date('2026-12-24T12:00:00Z');
    const fixBy = (requester: string, team: string, role: string, fixes?: string) =>
      makeIntent((d) => {
        d.authority = { requester, team, role, emergencyOverride: true };
        if (fixes) d.change.fixes = fixes;
      });

    test('exempted: an incident commander declares it and links the incident; who and which are recorded', () => {
      const result = rule.evaluate(contextFor(fixBy('grace', 'sre', 'sre-lead', 'INC-4711'), yearEnd));
      expect(result).toMatchObject({
        status: 'exempted',
        context: {
          window: 'year-end-2026',
          exemption: {
            kind: 'emergency-fix',
            by: 'grace',
            role: 'sre-lead',
            team: 'sre',
            fixes: 'INC-4711',
            requiresReview: true,
          },
        },
      });
      expect(result.reason).toMatch(
        /^launch-flags is in freeze window "year-end-2026" .*; exempted: emergency fix of INC-4711 declared by grace \(sre-lead in team sre\), to be approved by a reviewer of record$/,
      );
    });

    test('non-compliant: an emergency override with no incident it fixes', () => {
      const result = rule.evaluate(contextFor(fixBy('grace', 'sre', 'sre-lead'), yearEnd));
      expect(result.status).toBe('non-compliant');
      expect(result.remedy).toMatch(/change\.fixes/);
    });

    test('non-compliant: an incident fix by somebody who may not declare an emergency', () => {
      const result = rule.evaluate(contextFor(fixBy('bob', 'growth', 'engineer', 'INC-4711'), yearEnd));
      expect(result.status).toBe('non-compliant');
    });
  });
});
