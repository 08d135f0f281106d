import type { PolicyContext, PolicyRule, RuleResult } from '../../lambdas/core/policy/types.js';
import { awsRegionPattern, residencyRegions } from '../jurisdictions.js';

const name = 'legal-data-residency';
const domain = 'legal';

interface RegionFinding {
  path: string;
  region: string;
}

function findRegions(value: unknown, path: string, found: RegionFinding[]): void {
  if (typeof value === 'string') {
    for (const match of value.matchAll(awsRegionPattern)) found.push({ path, region: match[0] });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      findRegions(item, `${path}[${i}]`, found);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) findRegions(child, `${path}.${key}`, found);
  }
}

/**
 * A service whose data must stay in a jurisdiction (GDPR, for instance) may not be pointed at an AWS region
 * outside it: every region named anywhere in the payload must lie inside the service's residency.
 */
function evaluate({ intent, service }: PolicyContext): RuleResult {
  const residency = service.legal?.dataResidency;
  if (!residency) {
    return {
      rule: name,
      domain,
      status: 'not-applicable',
      reason: `${service.name} has no data residency requirement`,
      context: {},
    };
  }
  const allowed = residencyRegions[residency];
  const found: RegionFinding[] = [];
  findRegions(intent.change.payload, 'change.payload', found);
  const outside = found.filter((f) => !allowed.includes(f.region));
  const context = { residency, regionsNamed: found, allowedRegions: allowed };
  if (outside.length === 0) {
    return {
      rule: name,
      domain,
      status: 'compliant',
      reason:
        found.length === 0
          ? `the payload names no AWS region; ${service.name}'s data stays in ${residency}`
          : `every region the payload names is inside ${residency}, where ${service.name}'s data must stay`,
      context,
    };
  }
  return {
    rule: name,
    domain,
    status: 'non-compliant',
    reason: `${service.name}'s data must stay in ${residency}, but ${outside.map((f) => `${f.path} names ${f.region}`).join(', ')}`,
    remedy: `Use a region inside ${residency} (${allowed.join(', ')}), or ask ${service.legal?.contact} for a transfer mechanism covering ${[...new Set(outside.map((f) => f.region))].join(', ')}.`,
    context: { ...context, outside },
  };
}

export const legalDataResidency: PolicyRule = {
  name,
  version: '1.0.0',
  domain,
  description: 'Payloads of services with a data residency name only AWS regions inside that jurisdiction.',
  parameters: residencyRegions,
  evaluate,
};
