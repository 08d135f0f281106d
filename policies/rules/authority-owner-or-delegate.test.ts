import { contextFor, contextRecording, makeIntent } from '../../test/unit/core/fixtures.js';
import { authorityOwnerOrDelegate as rule } from './authority-owner-or-delegate.js';

const onIncidentRouter = (requester: string, delegations: Array<{ from: string; expiresAt: string }> = []) =>
  makeIntent((d) => {
    d.authority = {
      requester,
      team: 'support',
      role: 'engineer',
      delegations: delegations.map((x) => ({ ...x, role: 'sre', services: ['incident-router'] })),
    };
    d.change = {
      service: 'incident-router',
      profile: 'routing',
      contractVersion: '1.0.0',
      kind: 'configuration',
      payload: { pageOnErrorRateAbove: 0.01, pageAfterMinutes: 3, escalateAfterMinutes: 15 },
    };
  });

describe(rule.name, () => {
  test('compliant: the requester owns the service', () => {
    const result = rule.evaluate(contextFor(makeIntent()));
    expect(result).toMatchObject({ status: 'compliant', domain: 'authority', context: { basis: 'owner' } });
  });

  test('compliant: an owning-team member whose catalog role may change it', () => {
    const result = rule.evaluate(contextFor(onIncidentRouter('heidi')));
    expect(result).toMatchObject({ status: 'compliant', context: { basis: 'team-role', role: 'sre' } });
  });

  test('compliant: an unexpired delegation from an owner', () => {
    const intent = onIncidentRouter('rachel', [{ from: 'grace', expiresAt: '2026-11-30T00:00:00Z' }]);
    expect(rule.evaluate(contextRecording(intent))).toMatchObject({
      status: 'compliant',
      context: { basis: 'delegation', delegatedBy: 'grace' },
    });
  });

  test('non-compliant: a delegation the intent asserts but the catalog does not record counts for nothing', () => {
    const intent = onIncidentRouter('rachel', [{ from: 'grace', expiresAt: '2026-11-30T00:00:00Z' }]);
    expect(rule.evaluate(contextFor(intent)).status).toBe('non-compliant');
  });

  test('non-compliant: an outsider, naming the owners and allowed roles in the remedy', () => {
    const result = rule.evaluate(contextFor(onIncidentRouter('rachel')));
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toBe(
      'rachel is not an owner of incident-router, not a member of its owning team sre, and holds no delegation for it from an owner',
    );
    expect(result.remedy).toMatch(/grace.*team sre with role sre-lead or sre/);
  });

  test('non-compliant: a team member whose role may not change the service', () => {
    const intent = onIncidentRouter('ivan');
    const result = rule.evaluate(contextFor(intent));
    expect(result).toMatchObject({ status: 'non-compliant', context: { memberRole: 'engineer' } });
    expect(result.reason).toMatch(/only roles sre-lead or sre may change incident-router/);
  });

  test('non-compliant: an expired delegation names its expiry', () => {
    const intent = onIncidentRouter('rachel', [{ from: 'grace', expiresAt: '2026-10-31T23:59:59Z' }]);
    const result = rule.evaluate(contextRecording(intent));
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain('expired at 2026-10-31T23:59:59Z');
    expect(result.remedy).toMatch(/^Ask grace to renew/);
  });

  test('non-compliant: a delegation from someone who is not an owner counts for nothing', () => {
    const intent = onIncidentRouter('rachel', [{ from: 'heidi', expiresAt: '2027-01-01T00:00:00Z' }]);
    expect(rule.evaluate(contextRecording(intent)).status).toBe('non-compliant');
  });
});
