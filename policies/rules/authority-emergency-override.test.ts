import { contextFor, makeIntent } from '../../test/unit/core/fixtures.js';
import { authorityEmergencyOverride as rule } from './authority-emergency-override.js';

const overrideBy = (requester: string) =>
  makeIntent((d) => {
    d.authority = { requester, team: 'growth', role: 'engineer', emergencyOverride: true };
  });

describe(rule.name, () => {
  test('not applicable: no override claimed', () => {
    expect(rule.evaluate(contextFor(makeIntent())).status).toBe('not-applicable');
  });

  test("compliant: the owning team's engineering manager", () => {
    expect(rule.evaluate(contextFor(overrideBy('alice')))).toMatchObject({
      status: 'compliant',
      context: { basis: 'owning-team-role', role: 'engineering-manager', team: 'growth' },
    });
  });

  test('compliant: an incident commander from SRE, on any service', () => {
    expect(rule.evaluate(contextFor(overrideBy('grace')))).toMatchObject({
      status: 'compliant',
      context: { basis: 'incident-commander', team: 'sre' },
    });
  });

  test('non-compliant: an engineer, told who may override', () => {
    // Act
    const result = rule.evaluate(contextFor(overrideBy('bob')));

    // Assess
    expect(result).toMatchObject({
      status: 'non-compliant',
      context: { eligible: ['alice', 'grace'] },
    });
    expect(result.remedy).toBe(
      'Have alice or grace submit the override, or drop authority.emergencyOverride and let the change wait its turn.',
    );
    // Each role with its own article: "an engineering-manager", never "a engineering-manager".
    expect(result.reason).toContain(' but is neither an engineering-manager nor a sre-lead in team growth ');
  });
});
