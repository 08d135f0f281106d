import type { PolicyContext, PolicyRule, RuleResult } from '../../lambdas/core/policy/types.js';
import { emergencyOverrideAuthority as authority } from '../emergency-override.js';

const name = 'authority-emergency-override';
const domain = 'authority';

/**
 * An emergency override lets a change jump the admission queue at a cost to others, so only an engineering
 * manager or SRE lead of the owning team, or an incident commander, may claim one (roles from the catalog).
 */
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
  const ownerRole = owningTeam?.members.find(
    (m) => m.principal === requester && (authority.owningTeamRoles as readonly string[]).includes(m.role),
  );
  const commander = commanders?.members.find(
    (m) =>
      m.principal === requester && (authority.incidentCommanders.roles as readonly string[]).includes(m.role),
  );
  const holder = ownerRole ?? commander;
  if (holder) {
    const team = ownerRole ? service.ownerTeam : authority.incidentCommanders.team;
    return {
      rule: name,
      domain,
      status: 'compliant',
      reason: `${requester} may override as ${holder.role} in team ${team}`,
      context: { basis: ownerRole ? 'owning-team-role' : 'incident-commander', role: holder.role, team },
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
    reason: `${requester} claims an emergency override on ${service.name} but is neither a ${authority.owningTeamRoles.join(' nor ')} in team ${service.ownerTeam} nor an incident commander (${authority.incidentCommanders.roles.join('/')} in team ${authority.incidentCommanders.team})`,
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
