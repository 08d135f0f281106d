import type { PolicyContext, PolicyRule, RuleResult } from '../../lambdas/core/policy/types.js';
import { delegationsHeld, isLive } from '../../lambdas/core/principals/index.js';

/** Some profiles carry decisions only certain roles answer for, beyond who may change the service at all. */
export interface ProfileRoleRequirement {
  service: string;
  profile: string;
  /**
   * Roles in the owning team that may change the profile, held by the requester or carried by a live delegation
   * from an owner whose own role is among them.
   */
  roles: string[];
  /** Why, in the requester's terms. */
  why: string;
}

/** The shipped requirements; each names a profile whose contents are someone's accountable decision. */
export const profileRoleRequirements: ProfileRoleRequirement[] = [
  {
    service: 'pricing-engine',
    profile: 'discount-policy',
    roles: ['engineering-manager', 'deal-desk-analyst'],
    why: 'discount guardrails are commercial policy the deal desk answers for',
  },
  {
    service: 'patient-records',
    profile: 'access-controls',
    roles: ['engineering-manager', 'clinical-informatics'],
    why: 'break-glass and retention settings are clinical access controls under HIPAA 164.312',
  },
];

/**
 * The roles a requester holds for a service: their role in its owning team and roles delegated by a live
 * delegation from an owner. A delegation lends only authority its grantor has: a required role it carries counts
 * only when the grantor's own role may change the profile too; `unlent` names those that do not.
 */
function rolesOf(
  { intent, service, catalog, now }: PolicyContext,
  requirement: ProfileRoleRequirement,
): { held: string[]; unlent: string[] } {
  const { requester } = intent.authority;
  const roleOf = (principal: string) =>
    catalog.teams[service.ownerTeam]?.members.find((m) => m.principal === principal)?.role;
  const own = roleOf(requester);
  const held = own ? [own] : [];
  const unlent: string[] = [];
  for (const d of delegationsHeld(catalog, requester, service.name)) {
    if (!service.owners.includes(d.from) || !isLive(d, now)) continue;
    const grantorRole = roleOf(d.from);
    if (!requirement.roles.includes(d.role) || (grantorRole && requirement.roles.includes(grantorRole)))
      held.push(d.role);
    else
      unlent.push(
        `${d.role} delegated by ${d.from}, who holds ${grantorRole ?? `no role in team ${service.ownerTeam}`}, which may not change it`,
      );
  }
  return { held, unlent };
}

/**
 * A rule that lets only the named roles change the listed (service, profile) pairs; `name` tells generated
 * per-service rules apart. Example: profileRolesRule('authority-profile-roles', profileRoleRequirements).
 */
export function profileRolesRule(name: string, requirements: readonly ProfileRoleRequirement[]): PolicyRule {
  const domain = 'authority';
  const index = new Map(requirements.map((r) => [`${r.service}/${r.profile}`, r]));
  const evaluate = (ctx: PolicyContext): RuleResult => {
    const { service, intent, catalog } = ctx;
    const requirement = index.get(`${service.name}/${intent.change.profile}`);
    if (!requirement) {
      return {
        rule: name,
        domain,
        status: 'not-applicable',
        reason: `no role requirement for ${service.name}/${intent.change.profile}`,
        context: {},
      };
    }
    const { held, unlent } = rolesOf(ctx, requirement);
    const context = {
      profile: `${service.name}/${intent.change.profile}`,
      required: requirement.roles,
      held,
    };
    const match = held.find((r) => requirement.roles.includes(r));
    if (match) {
      return {
        rule: name,
        domain,
        status: 'compliant',
        reason: `${intent.authority.requester} holds ${match}, which may change ${context.profile}`,
        context,
      };
    }
    const holders = (catalog.teams[service.ownerTeam]?.members ?? [])
      .filter((m) => requirement.roles.includes(m.role))
      .map((m) => `${m.principal} (${m.role})`);
    return {
      rule: name,
      domain,
      status: 'non-compliant',
      reason: `only ${requirement.roles.join(' or ')} may change ${context.profile} because ${requirement.why}; ${intent.authority.requester} holds ${held.join(', ') || 'no role for it'}${unlent.length > 0 ? ` (${unlent.join('; ')})` : ''}`,
      remedy: `Have ${holders.join(' or ') || `a ${requirement.roles.join(' or ')} of team ${service.ownerTeam}`} submit it, or obtain a delegation with role ${requirement.roles[0]} from an owner of ${service.name} who holds ${requirement.roles.join(' or ')}.`,
      context,
    };
  };
  return {
    name,
    version: '1.0.0',
    domain,
    description:
      'Profiles that hold accountable decisions are changed only by the roles that answer for them.',
    parameters: requirements,
    evaluate,
  };
}

export const authorityProfileRoles = profileRolesRule('authority-profile-roles', profileRoleRequirements);
