import { contextFor, makeIntent } from '../../test/unit/core/fixtures.js';
import { authorityNotRevoked as rule } from './authority-not-revoked.js';

describe(rule.name, () => {
  test('compliant: the lookup found no revocation', () => {
    const result = rule.evaluate({ ...contextFor(makeIntent()), signals: { authorityRevoked: undefined } });
    expect(result.status).toBe('compliant');
  });

  test('non-compliant: a revocation is in force, named with who could submit instead', () => {
    const result = rule.evaluate({
      ...contextFor(makeIntent()),
      signals: { authorityRevoked: 'delegation from grace revoked by grace' },
    });
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toContain('revoked by grace');
    expect(result.remedy).toMatch(/owner/);
  });

  test('not applicable when no lookup was made (a pure evaluation without state)', () => {
    expect(rule.evaluate(contextFor(makeIntent())).status).toBe('not-applicable');
  });
});
