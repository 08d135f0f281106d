import { appliesTo, type FreezeWindow, findFreeze } from '../../lambdas/core/policy/freeze.js';
import type { PolicyContext, PolicyRule, RuleResult } from '../../lambdas/core/policy/types.js';
import { freezeWindows } from '../freeze-windows.js';
import { emergencyAuthorityOf } from './authority-emergency-override.js';

const domain = 'operational';

/**
 * No change to a service while one of its freeze windows holds; names the window and the next allowed instant.
 * The one way through is a recorded break-glass: an emergency override (`authority.emergencyOverride`) that fixes
 * a named incident (`change.fixes`), declared by somebody who may declare an emergency on the service
 * (`emergencyAuthorityOf`). That is `exempted`, not compliant: the result records who declared it, as what, and
 * which incident, and the change must be approved by a reviewer of record, never its requester.
 */
function evaluate(name: string, windows: readonly FreezeWindow[], ctx: PolicyContext): RuleResult {
  const { intent, service } = ctx;
  // Answered without the instant, so that sampling a release's run need not ask this calendar again.
  if (!windows.some((window) => appliesTo(window, service))) {
    return {
      rule: name,
      domain,
      status: 'compliant',
      reason: `no freeze window of this calendar covers ${service.name}`,
      context: {},
    };
  }
  const now = ctx.now;
  const finding = findFreeze(windows, service, now);
  if (!finding) {
    return {
      rule: name,
      domain,
      status: 'compliant',
      reason: `no change freeze holds ${service.name} at ${now.toISOString()}`,
      context: {},
    };
  }
  const { active, chain, nextAllowed } = finding;
  const frozen = `${service.name} is in freeze window "${active.window.name}" (${active.window.reason}) from ${active.start.toISOString()} to ${active.end.toISOString()}`;
  const window = {
    window: active.window.name,
    windowStart: active.start.toISOString(),
    windowEnd: active.end.toISOString(),
    windowsCrossed: [...new Set(chain.map((o) => o.window.name))],
  };
  const fixes = intent.change.fixes;
  const emergency = intent.authority.emergencyOverride ? emergencyAuthorityOf(ctx) : undefined;
  if (emergency && fixes) {
    const by = intent.authority.requester;
    return {
      rule: name,
      domain,
      status: 'exempted',
      reason: `${frozen}; exempted: emergency fix of ${fixes} declared by ${by} (${emergency.role} in team ${emergency.team}), to be approved by a reviewer of record`,
      context: {
        ...window,
        exemption: {
          kind: 'emergency-fix',
          by,
          role: emergency.role,
          team: emergency.team,
          basis: emergency.basis,
          fixes,
          requiresReview: true,
        },
      },
    };
  }
  // An emergency override that names no incident is told what would let it through, beside a later start
  // (`alternative`: kept whatever later start admission works out in its place).
  const alternative =
    intent.authority.emergencyOverride && emergency && !fixes
      ? 'Or, to break the freeze for an incident, name the incident it fixes in change.fixes: a reviewer of record then approves it.'
      : undefined;
  return {
    rule: name,
    domain,
    status: 'non-compliant',
    reason: frozen,
    remedy: `Resubmit at or after ${nextAllowed.toISOString()}, when no freeze holds ${service.name}.${alternative ? ` ${alternative}` : ''}`,
    context: { ...window, nextAllowed: nextAllowed.toISOString(), ...(alternative ? { alternative } : {}) },
  };
}

/**
 * A freeze rule over a calendar; `name` tells generated per-service calendars apart.
 * Example: freezeWindowRule('operational-freeze-window', freezeWindows).
 */
export function freezeWindowRule(name: string, windows: readonly FreezeWindow[]): PolicyRule {
  return {
    name,
    version: '1.2.0',
    domain,
    description:
      'Changes wait out global and per-service freeze windows (absolute and recurring, in local time), except a recorded break-glass: an emergency fix of a named incident, declared by one who may declare emergencies, approved by a reviewer of record.',
    parameters: windows,
    evaluate: (ctx) => evaluate(name, windows, ctx),
  };
}

export const operationalFreezeWindow = freezeWindowRule('operational-freeze-window', freezeWindows);
