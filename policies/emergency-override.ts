/**
 * Who may take an emergency override (jump the admission queue and ignore blast-radius overlap): a member of the
 * service's owning team in one of `owningTeamRoles`, or an incident commander anywhere.
 */
export const emergencyOverrideAuthority = {
  owningTeamRoles: ['engineering-manager', 'sre-lead'],
  incidentCommanders: { team: 'sre', roles: ['sre-lead'] },
} as const;
