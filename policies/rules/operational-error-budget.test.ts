import { contextFor, makeIntent } from '../../test/unit/core/fixtures.js';
import { operationalErrorBudget as rule } from './operational-error-budget.js';

const escalationChange = (fixes?: string) =>
  makeIntent((d) => {
    d.authority = { requester: 'sam', team: 'support', role: 'support-lead' };
    d.change = {
      service: 'support-escalation',
      profile: 'escalation',
      contractVersion: '1.0.0',
      kind: 'configuration',
      payload: {
        tier2AfterMinutes: 10,
        tier3AfterMinutes: 30,
        autoCategorize: true,
        priorityCustomerTiers: [],
      },
      ...(fixes ? { fixes } : {}),
    };
  });

describe(rule.name, () => {
  test('compliant: the service has budget left (catalog baseline)', () => {
    // Act
    const result = rule.evaluate(contextFor(makeIntent()));

    // Assess
    expect(result).toMatchObject({
      status: 'compliant',
      context: { errorBudgetRemaining: 0.82, source: 'catalog-baseline' },
    });
    expect(result.reason).toBe('launch-flags has 82% of its error budget left');
  });

  test('non-compliant: an exhausted budget and a change that fixes nothing', () => {
    // Act
    const result = rule.evaluate(contextFor(escalationChange()));

    // Assess
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toBe(
      'support-escalation has exhausted its error budget (0% left): until it recovers only fixes are admitted, and this change names nothing it fixes',
    );
    expect(result.remedy).toMatch(
      /^If the change restores support-escalation's reliability, set change\.fixes/,
    );
  });

  test('compliant: an exhausted budget admits a change that names what it fixes', () => {
    // Act
    const result = rule.evaluate(contextFor(escalationChange('INC-2291')));

    // Assess
    expect(result).toMatchObject({ status: 'compliant', context: { fixes: 'INC-2291' } });
  });

  test('a live reading beats the catalog baseline', () => {
    // Prepare
    const ctx = { ...contextFor(makeIntent()), signals: { errorBudgetRemaining: -0.2 } };

    // Act
    const result = rule.evaluate(ctx);

    // Assess
    expect(result).toMatchObject({ status: 'non-compliant', context: { source: 'live' } });
  });
});
