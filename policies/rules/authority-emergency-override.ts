import type { PolicyContext, PolicyRule, RuleResult } from '../../lambdas/core/policy/types.js';
import { withArticle } from '../../lambdas/core/policy/words.js';
import { emergencyOverrideAuthority as authority } from '../emergency-override.js';

const name = 'authority-emergency-override';
const domain = 'authority';

/**
 * An emergency override lets a change jump the admission queue at a cost to others, so only an engineering
 * manager or SRE lead of the owning team, or an incident commander, may claim one (roles from the catalog).
 */
/** Who holds emergency authority over a change to the context's service: the requester's role and team, if any. */
export interface EmergencyAuthority {
  basis: 'owning-team-role' | 'incident-commander';
  role: string;
  team: string;
}

/**
 * The authority by which the requester may declare an emergency on the service, or undefined: a role of
 * `owningTeamRoles` in the owning team, else an incident commander's. Example: grace (sre-lead in sre) → incident
 * commander. The freeze rule's break-glass reads it too.
 */
export function emergencyAuthorityOf({
  intent,
  service,
  catalog,
}: Pick<PolicyContext, 'intent' | 'service' | 'catalog'>): EmergencyAuthority | undefined {
  const requester = intent.authority.requester;
  const ownerRole = catalog.teams[service.ownerTeam]?.members.find(
    (m) => m.principal === requester && (authority.owningTeamRoles as readonly string[]).includes(m.role),
  );
  if (ownerRole) return { basis: 'owning-team-role', role: ownerRole.role, team: service.ownerTeam };
  const commander = catalog.teams[authority.incidentCommanders.team]?.members.find(
    (m) =>
      m.principal === requester && (authority.incidentCommanders.roles as readonly string[]).includes(m.role),
  );
  if (commander) {
    return { basis: 'incident-commander', role: commander.role, team: authority.incidentCommanders.team };
  }
  return undefined;
}

function evaluate({ intent, service, catalog }: PolicyContext): RuleResult {
  if (!intent.authority.emergencyOverride) {
    return {
      rule: name,
      domain,
      status: 'not-applicable',
      reason: 'the intent claims no emergency override',
      context: {},
    };
  }
  const requester = intent.authority.requester;
  const owningTeam = catalog.teams[service.ownerTeam];
  const commanders = catalog.teams[authority.incidentCommanders.team];
  const holder = emergencyAuthorityOf({ intent, service, catalog });
  if (holder) {
    return {
      rule: name,
      domain,
      status: 'compliant',
      reason: `${requester} may override as ${holder.role} in team ${holder.team}`,
      context: { basis: holder.basis, role: holder.role, team: holder.team },
    };
  }
  const eligible = [
    ...(owningTeam?.members ?? []).filter((m) =>
      (authority.owningTeamRoles as readonly string[]).includes(m.role),
    ),
    ...(commanders?.members ?? []).filter((m) =>
      (authority.incidentCommanders.roles as readonly string[]).includes(m.role),
    ),
  ].map((m) => m.principal);
  const unique = [...new Set(eligible)];
  return {
    rule: name,
    domain,
    status: 'non-compliant',
    reason: `${requester} claims an emergency override on ${service.name} but is neither ${authority.owningTeamRoles.map(withArticle).join(' nor ')} in team ${service.ownerTeam} nor an incident commander (${authority.incidentCommanders.roles.join('/')} in team ${authority.incidentCommanders.team})`,
    remedy: `Have ${unique.join(' or ') || 'an incident commander'} submit the override, or drop authority.emergencyOverride and let the change wait its turn.`,
    context: { requester, eligible: unique },
  };
}

export const authorityEmergencyOverride: PolicyRule = {
  name,
  version: '1.0.0',
  domain,
  description:
    'An emergency override is claimed only by an engineering manager or SRE lead of the owning team, or an incident commander.',
  parameters: authority,
  evaluate,
};
