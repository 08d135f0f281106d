import type { Catalog } from '../lambdas/core/catalog-schema.js';
import type { FreezeWindow } from '../lambdas/core/policy/freeze.js';
import type { PolicyRule } from '../lambdas/core/policy/types.js';
import { policySet } from './index.js';
import { profileRolesRule } from './rules/authority-profile-roles.js';
import { freezeWindowRule } from './rules/operational-freeze-window.js';

/**
 * A policy set of `total` rules for a large catalog, the way one grows in a big organization: the shipped
 * rules, then alternately a per-service freeze calendar (a weekly maintenance blackout, a launch freeze, a
 * month-end close) and a per-service rule naming the roles that answer for its configuration. For benchmarks
 * and tests; services are taken in catalog order, so the result is deterministic.
 */
export function generatePolicySet(catalog: Catalog, total: number): PolicyRule[] {
  const rules: PolicyRule[] = [...policySet];
  const services = Object.values(catalog.services);
  for (let i = 0; rules.length < total && services.length > 0; i++) {
    const service = services[i % services.length] as (typeof services)[number];
    const round = Math.floor(i / services.length);
    // Alternating kinds per round gives each service one rule of each kind before any name repeats.
    const suffix = round >= 2 ? `-${round}` : '';
    if ((i + round) % 2 === 0) {
      rules.push(
        freezeWindowRule(`operational-freeze-${service.name}${suffix}`, [freezeFor(service.name, i)]),
      );
    } else {
      const profile = Object.keys(service.profiles)[0] ?? 'config';
      rules.push(
        profileRolesRule(`authority-profile-roles-${service.name}${suffix}`, [
          {
            service: service.name,
            profile,
            roles: ['engineering-manager', 'engineer'],
            why: `${service.name}/${profile} is run by its owning team`,
          },
        ]),
      );
    }
  }
  return rules;
}

function freezeFor(service: string, i: number): FreezeWindow {
  const appliesTo = { services: [service] };
  switch (i % 3) {
    case 0:
      return {
        name: `${service}-maintenance`,
        reason: `weekly database maintenance on ${service}`,
        appliesTo,
        schedule: { type: 'weekly', weekdays: [0], from: '02:00', to: '06:00' },
      };
    case 1:
      return {
        name: `${service}-launch-freeze`,
        reason: `launch week freeze for ${service}`,
        appliesTo,
        schedule: { type: 'absolute', start: '2026-11-16T00:00:00Z', end: '2026-11-23T00:00:00Z' },
      };
    default:
      return {
        name: `${service}-close`,
        reason: `month-end close on ${service}`,
        appliesTo,
        schedule: { type: 'monthly-last-days', days: 1 },
      };
  }
}
