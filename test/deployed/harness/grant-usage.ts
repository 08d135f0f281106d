import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IamCheck } from '../emulators/iam-check-log.js';
import { grantedActions, usedBy } from '../emulators/unused-grants.js';

/**
 * Least privilege over the whole deployed-stack suite: each stack a scenario file deploys writes, when it
 * stops, every role's granted actions and the actions its allowed calls used (`ITV_DEPLOYED_GRANTS_DIR`);
 * after a run of every scenario, `unexercisedGrants` names each grant no call of any file used. Such a grant
 * is either dead (remove it) or a path no scenario takes (test it, or say why in `grants-unexercised.json`).
 */
export interface GrantUsage {
  /** Per role (its short name, `roleKey`): the actions its identity policies allow, as written. */
  granted: Record<string, string[]>;
  /** Per role: the actions (lower case) its allowed calls used. */
  used: Record<string, string[]>;
}

/**
 * A role's name without what CloudFormation adds: `Itv-FunctionsVerifyRoleD24ACDA7-344143444137` → `Verify`
 * (the function whose role it is), `Itv-ReleaseAlarmRole6D0C1348-304331333438` → `ReleaseAlarm`; roles the
 * template names keep their name.
 */
export function roleKey(roleArn: string): string {
  const name = roleArn.split('/').at(-1) ?? roleArn;
  return /^[A-Za-z]+-(?:Functions)?(.+?)Role[0-9A-F]{8}-[0-9A-Z]+$/.exec(name)?.[1] ?? name;
}

export function grantUsage(
  roles: ReadonlyMap<string, readonly { Statement?: unknown }[]>,
  checks: readonly IamCheck[],
): GrantUsage {
  const usage: GrantUsage = { granted: {}, used: {} };
  for (const [roleArn, policies] of roles) {
    const key = roleKey(roleArn);
    usage.granted[key] = grantedActions(policies);
    usage.used[key] = [
      ...new Set(
        checks
          .filter((check) => check.allowed && check.caller === roleArn)
          .map((check) => check.action.toLowerCase()),
      ),
    ];
  }
  return usage;
}

/** Writes one stack's usage where the runner collects them, when it asked to. */
export function recordGrantUsage(usage: GrantUsage, dir = process.env.ITV_DEPLOYED_GRANTS_DIR): void {
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${process.pid}-${randomUUID()}.json`), JSON.stringify(usage));
}

/** Reads every usage written under `dir`. */
export function readGrantUsages(dir: string): GrantUsage[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as GrantUsage);
}

/**
 * Per role, the granted actions that no call in any of `usages` used, less those `allowed` names (with a
 * reason each); log delivery and X-Ray traces are the Lambda runtime's calls, not the function's, and are left
 * out.
 */
export function unexercisedGrants(
  usages: readonly GrantUsage[],
  allowed: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
): Record<string, string[]> {
  const granted = new Map<string, Set<string>>();
  const used = new Map<string, string[]>();
  for (const usage of usages) {
    for (const [role, actions] of Object.entries(usage.granted)) {
      const set = granted.get(role) ?? new Set<string>();
      for (const action of actions) set.add(action);
      granted.set(role, set);
    }
    for (const [role, actions] of Object.entries(usage.used))
      used.set(role, [...(used.get(role) ?? []), ...actions]);
  }
  const result: Record<string, string[]> = {};
  for (const [role, actions] of [...granted].sort(([a], [b]) => a.localeCompare(b))) {
    const unexercised = [...actions].filter(
      (action) =>
        !/^(logs|xray):/.test(action) && !usedBy(action, used.get(role) ?? []) && !allowed[role]?.[action],
    );
    if (unexercised.length > 0) result[role] = unexercised;
  }
  return result;
}
