import {
  businessHoursAt,
  describeBusinessHours,
  describeLocal,
} from '../../lambdas/core/policy/business-hours.js';
import type { PolicyContext, PolicyRule, RuleResult } from '../../lambdas/core/policy/types.js';
import { defaultBusinessHours } from '../business-hours.js';

const name = 'operational-business-hours';
const domain = 'operational';

/**
 * A change lands while the people who answer for it are at work: services that declare business hours accept
 * changes only then, and irreversible changes or migrations on any service only in default business hours,
 * always in the service's own time zone. An emergency override waives the hours (its own rule checks authority).
 */
function evaluate({ intent, service, now, phase }: PolicyContext): RuleResult {
  if (phase === 'in-flight') {
    return {
      rule: name,
      domain,
      status: 'not-applicable',
      reason: 'business hours gate when a change starts, not while an admitted release finishes',
      context: { phase },
    };
  }
  const irreversible =
    intent.constraints.reversibility === 'irreversible' || intent.change.kind === 'migration';
  const hours = service.businessHours ?? (irreversible ? defaultBusinessHours : undefined);
  if (!hours) {
    return {
      rule: name,
      domain,
      status: 'not-applicable',
      reason: `${service.name} declares no business hours and the change is reversible`,
      context: {},
    };
  }
  const scope = service.businessHours ? 'its team' : 'an irreversible change';
  const context = { hours: describeBusinessHours(hours), timeZone: service.timeZone, scope };
  if (intent.authority.emergencyOverride) {
    return {
      rule: name,
      domain,
      status: 'compliant',
      reason: `business hours (${context.hours} ${service.timeZone}) are waived for an emergency override`,
      context: { ...context, waivedBy: 'emergency-override' },
    };
  }
  const finding = businessHoursAt(hours, service.timeZone, now);
  const localNow = describeLocal(now, service.timeZone);
  if (finding.open) {
    return {
      rule: name,
      domain,
      status: 'compliant',
      reason: `${localNow} is inside the business hours for ${scope} on ${service.name} (${context.hours})`,
      context: { ...context, closesAt: finding.closesAt.toISOString() },
    };
  }
  return {
    rule: name,
    domain,
    status: 'non-compliant',
    reason: `${service.name} takes ${service.businessHours ? 'changes' : 'irreversible changes and migrations'} only in business hours, ${context.hours} ${service.timeZone}; it is ${localNow}`,
    remedy: `Resubmit at or after ${finding.opensAt.toISOString()} (${describeLocal(finding.opensAt, service.timeZone)})${service.businessHours ? '' : ', or make the change reversible'}.`,
    context: { ...context, nextAllowed: finding.opensAt.toISOString() },
  };
}

export const operationalBusinessHours: PolicyRule = {
  name,
  version: '1.0.0',
  domain,
  description:
    "Changes land in the business hours of the service's time zone where the service declares them, and irreversible changes everywhere.",
  parameters: defaultBusinessHours,
  evaluate,
};
