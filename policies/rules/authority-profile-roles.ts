import type { PolicyContext, PolicyRule, RuleResult } from '../../lambdas/core/policy/types.js';
import { delegationsHeld, isLive } from '../../lambdas/core/principals/index.js';

/** Some profiles carry decisions only certain roles answer for, beyond who may change the service at all. */
export interface ProfileRoleRequirement {
  service: string;
  profile: string;
  /** Roles in the owning team (or carried by a live delegation from an owner) that may change the profile. */
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

/** The roles a requester holds for a service: their role in its owning team and roles delegated by an owner. */
function rolesOf({ intent, service, catalog, now }: PolicyContext): string[] {
  const { requester } = intent.authority;
  const member = catalog.teams[service.ownerTeam]?.members.find((m) => m.principal === requester);
  const delegated = delegationsHeld(catalog, requester, service.name)
    .filter((d) => service.owners.includes(d.from) && isLive(d, now))
    .map((d) => d.role);
  return [...(member ? [member.role] : []), ...delegated];
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
    const held = rolesOf(ctx);
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
      reason: `only ${requirement.roles.join(' or ')} may change ${context.profile} because ${requirement.why}; ${intent.authority.requester} holds ${held.join(', ') || 'no role for it'}`,
      remedy: `Have ${holders.join(' or ') || `a ${requirement.roles.join(' or ')} of team ${service.ownerTeam}`} submit it, or obtain a delegation with role ${requirement.roles[0]} from an owner of ${service.name}.`,
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
