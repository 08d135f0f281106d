import type { PolicyContext, PolicyRule, RuleResult } from '../../lambdas/core/policy/types.js';

const name = 'operational-error-budget';
const domain = 'operational';

/** At or below this fraction of the SLO window's error budget, the budget counts as exhausted. */
export const exhaustedBudget = 0;

function percent(fraction: number): string {
  return `${(Math.max(0, fraction) * 100).toFixed(1).replace(/\.0$/, '')}%`;
}

/**
 * Once a service has spent its error budget, only changes that restore reliability are admitted: the intent
 * says what it fixes in `change.fixes`. The budget the Observe stage last measured from the service's telemetry
 * (`signals.errorBudgetRemaining`) beats the catalog's baseline, which only stands in until a release of the
 * service has been observed.
 */
function evaluate({ intent, service, signals }: PolicyContext): RuleResult {
  const live = signals?.errorBudgetRemaining;
  const remaining = live ?? service.slo.errorBudgetRemaining;
  const context = {
    errorBudgetRemaining: remaining,
    source: live === undefined ? 'catalog-baseline' : 'live',
    ...(live === undefined ? {} : { measuredAt: signals?.errorBudgetMeasuredAt ?? null }),
    fixes: intent.change.fixes ?? null,
  };
  if (remaining > exhaustedBudget) {
    return {
      rule: name,
      domain,
      status: 'compliant',
      reason: `${service.name} has ${percent(remaining)} of its error budget left`,
      context,
    };
  }
  if (intent.change.fixes) {
    return {
      rule: name,
      domain,
      status: 'compliant',
      reason: `${service.name} has exhausted its error budget; admitted as a fix for ${intent.change.fixes}`,
      context,
    };
  }
  return {
    rule: name,
    domain,
    status: 'non-compliant',
    reason: `${service.name} has exhausted its error budget (${percent(remaining)} left): until it recovers only fixes are admitted, and this change names nothing it fixes`,
    remedy: `If the change restores ${service.name}'s reliability, set change.fixes to the incident or SLO breach it fixes (e.g. "INC-1234"); otherwise resubmit once the error budget is above ${percent(exhaustedBudget)}.`,
    context,
  };
}

export const operationalErrorBudget: PolicyRule = {
  name,
  version: '1.1.0',
  domain,
  description: 'A service that has exhausted its error budget admits only changes that name what they fix.',
  parameters: { exhaustedBudget },
  evaluate,
};
