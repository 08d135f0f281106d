import type { PolicyContext, PolicyRule, RuleResult } from '../../lambdas/core/policy/types.js';
import { withArticle } from '../../lambdas/core/policy/words.js';
import { delegationsHeld, isLive } from '../../lambdas/core/principals/index.js';

const name = 'authority-owner-or-delegate';
const domain = 'authority';

/**
 * The requester owns the service, belongs to its owning team (per the catalog, not the intent's claim) with a
 * role allowed to change it, or holds an unexpired delegation for it from one of its owners — a delegation
 * the catalog records, never one the intent asserts.
 */
function evaluate({ intent, service, catalog, now }: PolicyContext): RuleResult {
  const { requester } = intent.authority;
  const result = (
    status: RuleResult['status'],
    reason: string,
    context: Record<string, unknown>,
    remedy?: string,
  ) => ({ rule: name, domain, status, reason, context, ...(remedy ? { remedy } : {}) }) satisfies RuleResult;

  if (service.owners.includes(requester)) {
    return result('compliant', `${requester} is an owner of ${service.name}`, { basis: 'owner' });
  }

  const member = catalog.teams[service.ownerTeam]?.members.find((m) => m.principal === requester);
  if (member && service.changeRoles.includes(member.role)) {
    return result(
      'compliant',
      `${requester} is ${withArticle(member.role)} in team ${service.ownerTeam}, which owns ${service.name}`,
      {
        basis: 'team-role',
        team: service.ownerTeam,
        role: member.role,
      },
    );
  }

  const fromOwners = delegationsHeld(catalog, requester, service.name).filter((d) =>
    service.owners.includes(d.from),
  );
  const valid = fromOwners.find((d) => isLive(d, now));
  if (valid) {
    return result(
      'compliant',
      `${requester} acts for ${valid.from} (owner of ${service.name}) until ${valid.expiresAt}`,
      {
        basis: 'delegation',
        delegatedBy: valid.from,
        role: valid.role,
        expiresAt: valid.expiresAt,
      },
    );
  }

  const owners = service.owners.join(', ');
  const roles = service.changeRoles.join(' or ') || '(none)';
  const context = {
    requester,
    owners: service.owners,
    ownerTeam: service.ownerTeam,
    changeRoles: service.changeRoles,
  };
  const expired = fromOwners[0];
  if (expired) {
    return result(
      'non-compliant',
      `${requester}'s delegation from ${expired.from} for ${service.name} expired at ${expired.expiresAt}`,
      { ...context, expiredDelegation: { from: expired.from, expiresAt: expired.expiresAt } },
      `Ask ${expired.from} to renew the delegation for ${service.name}, or have an owner (${owners}) submit the change.`,
    );
  }
  const why = member
    ? `${requester} is ${withArticle(member.role)} in team ${service.ownerTeam}, but only roles ${roles} may change ${service.name}`
    : `${requester} is not an owner of ${service.name}, not a member of its owning team ${service.ownerTeam}, and holds no delegation for it from an owner`;
  return result(
    'non-compliant',
    why,
    { ...context, ...(member ? { memberRole: member.role } : {}) },
    `Have an owner (${owners}) or a member of team ${service.ownerTeam} with role ${roles} submit it, or obtain a delegation for ${service.name} from an owner.`,
  );
}

export const authorityOwnerOrDelegate: PolicyRule = {
  name,
  version: '1.0.0',
  domain,
  description:
    'The requester owns the service, holds an allowed role in its owning team, or has a live delegation from an owner.',
  evaluate,
};
