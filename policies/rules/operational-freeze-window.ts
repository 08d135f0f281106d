import { type FreezeWindow, findFreeze } from '../../lambdas/core/policy/freeze.js';
import type { PolicyContext, PolicyRule, RuleResult } from '../../lambdas/core/policy/types.js';
import { freezeWindows } from '../freeze-windows.js';

const domain = 'operational';

/** No change to a service while one of its freeze windows holds; names the window and the next allowed instant. */
function evaluate(
  name: string,
  windows: readonly FreezeWindow[],
  { service, now }: PolicyContext,
): RuleResult {
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
  return {
    rule: name,
    domain,
    status: 'non-compliant',
    reason: `${service.name} is in freeze window "${active.window.name}" (${active.window.reason}) from ${active.start.toISOString()} to ${active.end.toISOString()}`,
    remedy: `Resubmit at or after ${nextAllowed.toISOString()}, when no freeze holds ${service.name}.`,
    context: {
      window: active.window.name,
      windowStart: active.start.toISOString(),
      windowEnd: active.end.toISOString(),
      windowsCrossed: [...new Set(chain.map((o) => o.window.name))],
      nextAllowed: nextAllowed.toISOString(),
    },
  };
}

/**
 * A freeze rule over a calendar; `name` tells generated per-service calendars apart.
 * Example: freezeWindowRule('operational-freeze-window', freezeWindows).
 */
export function freezeWindowRule(name: string, windows: readonly FreezeWindow[]): PolicyRule {
  return {
    name,
    version: '1.0.0',
    domain,
    description:
      'Changes wait out global and per-service freeze windows (absolute and recurring, in local time).',
    parameters: windows,
    evaluate: (ctx) => evaluate(name, windows, ctx),
  };
}

export const operationalFreezeWindow = freezeWindowRule('operational-freeze-window', freezeWindows);
