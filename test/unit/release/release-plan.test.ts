import { releasePlan } from '../../../lambdas/core/release/release-plan.js';

describe('releasePlan', () => {
  test.each([
    ['reversible', 'rollback', 'rollback', 'stop', true],
    ['reversible', 'freeze', 'freeze', 'stop', false],
    ['reversible', 'roll-forward', 'roll-forward', 'stop', false],
    ['irreversible', 'rollback', 'freeze', 'freeze', false],
    ['irreversible', 'freeze', 'freeze', 'freeze', false],
    ['irreversible', 'roll-forward', 'roll-forward', 'freeze', false],
  ] as const)(
    '%s + onRegression %s → %s on regression, %s on breach, rollbackOnAlarm %s',
    (reversibility, onRegression, regression, breach, rollbackOnAlarm) => {
      // Act
      const plan = releasePlan({ reversibility, onRegression });
      // Assess
      expect([plan.onRegression, plan.onPolicyBreach, plan.rollbackOnAlarm]).toEqual([
        regression,
        breach,
        rollbackOnAlarm,
      ]);
      expect(plan.reason).toContain(reversibility);
    },
  );

  test('an irreversible change that asked for rollback is told why it is frozen instead', () => {
    expect(releasePlan({ reversibility: 'irreversible', onRegression: 'rollback' }).reason).toMatch(
      /revert would be blind/,
    );
  });
});
