import type { IamCheck } from './iam-check-log.js';
import type { Caller } from './policy-evaluation.js';

/**
 * The actions a caller's identity policies allow that none of its allowed checks used: least-privilege
 * evidence from the other side (a grant no scenario exercised is either dead or untested).
 */
export function unusedGrants(caller: Caller, checks: readonly IamCheck[]): string[] {
  const used = checks
    .filter((check) => check.allowed && check.caller === caller.principalArn)
    .map((check) => check.action.toLowerCase());
  return grantedActions(caller.identityPolicies).filter((pattern) => !usedBy(pattern, used));
}

/** The action patterns identity policies allow, each once, as written. */
export function grantedActions(policies: readonly { Statement?: unknown }[]): string[] {
  const granted = new Set<string>();
  for (const policy of policies) {
    for (const statement of asArray(policy.Statement)) {
      const { Effect, Action } = statement as { Effect?: string; Action?: unknown };
      if (Effect !== 'Allow') continue;
      for (const action of asArray(Action)) if (typeof action === 'string') granted.add(action);
    }
  }
  return [...granted];
}

/** Whether a granted action pattern (`s3:Get*`) covers any of the actions used (lower case). */
export function usedBy(pattern: string, used: readonly string[]): boolean {
  return used.some((action) => wildcardMatch(pattern.toLowerCase(), action));
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function wildcardMatch(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return regex.test(action);
}
