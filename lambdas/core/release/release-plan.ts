import type { Constraints } from '../intent.js';

/**
 * What a release does when it regresses or breaches policy, from the intent's constraints. AppConfig gives two
 * levers only: monitors that roll a deployment back when an alarm leaves OK, and StopDeployment, which also rolls
 * back. It has no pause: nothing holds a deployment at its current percentage
 * (https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-deploying-reverting.html,
 * https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_StopDeployment.html). So a change that must
 * not be reverted runs with its monitors observing only (their alarm actions disabled, which AppConfig documents
 * as "doesn't automatically roll back"), and itv answers a regression by escalating to the owners instead.
 */

export type RegressionResponse = 'rollback' | 'freeze' | 'roll-forward';

export interface ReleasePlan {
  /** The answer to a monitor leaving OK during rollout or bake. */
  onRegression: RegressionResponse;
  /** The answer to a policy breach during the release: a stop (which rolls back), or a freeze when reverting is unsafe. */
  onPolicyBreach: 'stop' | 'freeze';
  /** Whether AppConfig's monitors roll the deployment back themselves. */
  rollbackOnAlarm: boolean;
  /** Why, in the ledger's words. */
  reason: string;
}

/**
 * The plan for a release. Example: { reversibility: 'irreversible', onRegression: 'rollback' } → freeze on
 * regression and on breach, monitors observe only: a blind revert of an irreversible change is what the
 * constraint forbids, whatever onRegression asked for.
 */
export function releasePlan(constraints: Pick<Constraints, 'reversibility' | 'onRegression'>): ReleasePlan {
  const asked = constraints.onRegression;
  if (constraints.reversibility === 'irreversible') {
    const onRegression = asked === 'roll-forward' ? 'roll-forward' : 'freeze';
    return {
      onRegression,
      onPolicyBreach: 'freeze',
      rollbackOnAlarm: false,
      reason:
        asked === 'rollback'
          ? 'irreversible: a revert would be blind, so a regression freezes and escalates instead of rolling back'
          : `irreversible: a regression ${onRegression === 'freeze' ? 'freezes' : 'rolls forward'} and escalates; a policy breach freezes (a stop would revert)`,
    };
  }
  if (asked === 'rollback') {
    return {
      onRegression: 'rollback',
      onPolicyBreach: 'stop',
      rollbackOnAlarm: true,
      reason:
        'reversible: the monitors roll back on alarm; a policy breach stops (and so rolls back) the deployment',
    };
  }
  return {
    onRegression: asked,
    onPolicyBreach: 'stop',
    rollbackOnAlarm: false,
    reason: `reversible, ${asked} on regression: the monitors observe only and a regression escalates; a policy breach still stops (rolls back) it`,
  };
}
