import { contextFor, contextWithService, makeIntent } from '../../test/unit/core/fixtures.js';
import { operationalBusinessHours as rule } from './operational-business-hours.js';

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

const irreversibleFlag = makeIntent((d) => {
  d.constraints = { reversibility: 'irreversible' };
});

describe(rule.name, () => {
  test('not applicable: a reversible change to a service that declares no business hours', () => {
    // Act
    const result = rule.evaluate(contextFor(makeIntent(), new Date('2026-11-07T03:00:00Z')));

    // Assess
    expect(result.status).toBe('not-applicable');
  });

  test('compliant: ledger-close at 10:00 on a Wednesday in New York', () => {
    // Act
    const result = rule.evaluate(contextFor(closeChange, new Date('2026-11-04T15:00:00Z')));

    // Assess
    expect(result).toMatchObject({
      status: 'compliant',
      context: { hours: 'Mon–Fri 08:00–18:00', timeZone: 'America/New_York' },
    });
    expect(result.reason).toContain('Wednesday 2026-11-04 10:00 in America/New_York');
  });

  test('non-compliant: on a Saturday the remedy names Monday 08:00 New York time', () => {
    // Act
    const result = rule.evaluate(contextFor(closeChange, new Date('2026-11-07T15:00:00Z')));

    // Assess
    expect(result).toMatchObject({
      status: 'non-compliant',
      domain: 'operational',
      context: { nextAllowed: '2026-11-09T13:00:00.000Z' },
    });
    expect(result.reason).toBe(
      'ledger-close takes changes only in business hours, Mon–Fri 08:00–18:00 America/New_York; it is Saturday 2026-11-07 10:00 in America/New_York',
    );
    expect(result.remedy).toBe(
      'Resubmit at or after 2026-11-09T13:00:00.000Z (Monday 2026-11-09 08:00 in America/New_York).',
    );
  });

  test('one instant, two time zones: open in New York, not yet in Chicago', () => {
    // Prepare
    const at = new Date('2026-11-04T13:30:00Z');
    const procurementChange = makeIntent((d) => {
      d.authority = { requester: 'nina', team: 'procurement', role: 'procurement-lead' };
      d.change = {
        service: 'procurement',
        profile: 'approval-matrix',
        contractVersion: '1.0.0',
        kind: 'configuration',
        payload: {},
      };
    });

    // Act
    const newYork = rule.evaluate(contextFor(closeChange, at));
    const chicago = rule.evaluate(contextFor(procurementChange, at));

    // Assess
    expect(newYork.status).toBe('compliant');
    expect(chicago).toMatchObject({
      status: 'non-compliant',
      context: { timeZone: 'America/Chicago', nextAllowed: '2026-11-04T14:00:00.000Z' },
    });
  });

  test('an irreversible change anywhere waits for default hours, across the DST change', () => {
    // Prepare: Friday 17:30 in Los Angeles (PDT); DST ends on Sunday 1 November 2026.
    const fridayEvening = new Date('2026-10-31T00:30:00Z');

    // Act
    const result = rule.evaluate(contextFor(irreversibleFlag, fridayEvening));

    // Assess: Monday 09:00 PST is 17:00 UTC, not 16:00 as it would be under PDT.
    expect(result).toMatchObject({
      status: 'non-compliant',
      context: { scope: 'an irreversible change', nextAllowed: '2026-11-02T17:00:00.000Z' },
    });
    expect(result.remedy).toMatch(/or make the change reversible\.$/);
  });

  test('a service may declare its own hours, including a weekend shift', () => {
    // Prepare
    const ctx = contextWithService(
      makeIntent(),
      (s) => {
        s.businessHours = { weekdays: [6], from: '10:00', to: '14:00' };
      },
      new Date('2026-11-07T19:00:00Z'),
    );

    // Act
    const result = rule.evaluate(ctx);

    // Assess: Saturday 11:00 in Los Angeles.
    expect(result).toMatchObject({ status: 'compliant', context: { hours: 'Sat 10:00–14:00' } });
  });

  test('an emergency override waives the hours and says so', () => {
    // Prepare
    const override = makeIntent((d) => {
      d.constraints = { reversibility: 'irreversible' };
      d.authority.emergencyOverride = true;
    });

    // Act
    const result = rule.evaluate(contextFor(override, new Date('2026-11-07T15:00:00Z')));

    // Assess
    expect(result).toMatchObject({ status: 'compliant', context: { waivedBy: 'emergency-override' } });
  });

  test('a release admitted in hours may finish after closing time', () => {
    // Prepare
    const ctx = { ...contextFor(closeChange, new Date('2026-11-04T23:30:00Z')), phase: 'in-flight' as const };

    // Act
    const result = rule.evaluate(ctx);

    // Assess
    expect(result.status).toBe('not-applicable');
    expect(rule.evaluate({ ...ctx, phase: 'admission' }).status).toBe('non-compliant');
  });
});
