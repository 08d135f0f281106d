import type { Catalog, ComplianceDomain, DataClassification, Service } from './catalog-schema.js';
import { InvalidInputError } from './errors.js';
import type { ChangeKind, Intent } from './intent.js';
import { reviewerDomainsOf } from './reviewers.js';

/** Risk tiering from points; the model and its point table are documented in `policies/RISK.md`. */

export type RiskTier = 0 | 1 | 2 | 3;

export interface RiskFactor {
  name: string;
  points: number;
  detail: string;
}

export interface RiskInput {
  intent: Intent;
  service: Service;
  catalog: Catalog;
  /** Lower bound (0..1) of the earned confidence for (service, change kind). */
  confidence?: number;
  /** The policy set's compliance domains that need a reviewer of record. */
  reviewedDomains: readonly ComplianceDomain[];
}

export interface RiskAssessment {
  tier: RiskTier;
  factors: RiskFactor[];
  requiresReviewer: boolean;
  gate: 'auto-continue' | 'fail-fast';
  /** The service and every service that depends on it, directly or not. */
  blastRadius: string[];
  points: number;
  /** Tier from points alone, before the floor and earned confidence. */
  pointsTier: RiskTier;
  /** The lowest tier data classification, compliance scope and reversibility allow. */
  floor: RiskTier;
}

/** Confidence lower bound at or above which a change earns one tier less. */
export const CONFIDENCE_TO_LOWER_TIER = 0.9;

const classificationPoints: Record<DataClassification, number> = {
  public: 0,
  internal: 1,
  confidential: 2,
  restricted: 4,
};

const kindPoints: Record<ChangeKind, number> = {
  'feature-flag': 0,
  configuration: 1,
  policy: 2,
  'schema-update': 2,
  migration: 3,
};

function blastRadiusPoints(size: number): number {
  if (size >= 7) return 3;
  if (size >= 4) return 2;
  if (size >= 2) return 1;
  return 0;
}

function tierFromPoints(points: number): RiskTier {
  if (points >= 9) return 3;
  if (points >= 6) return 2;
  if (points >= 3) return 1;
  return 0;
}

// A loaded catalog never changes (loadCatalog freezes it), so its reverse topology and every service's blast
// radius are computed once per catalog object, as a warm Lambda keeps them between invocations.
const dependentsIndex = new WeakMap<Catalog, Map<string, string[]>>();
const radii = new WeakMap<Catalog, Map<string, readonly string[]>>();

function dependentsOf(catalog: Catalog): Map<string, string[]> {
  let index = dependentsIndex.get(catalog);
  if (!index) {
    index = new Map();
    for (const s of Object.values(catalog.services)) {
      for (const dependency of s.dependencies) {
        const list = index.get(dependency);
        if (list) list.push(s.name);
        else index.set(dependency, [s.name]);
      }
    }
    dependentsIndex.set(catalog, index);
  }
  return index;
}

/** The service plus its transitive dependents (services that call it, directly or not), service first. */
export function blastRadiusOf(catalog: Catalog, serviceName: string): string[] {
  let cache = radii.get(catalog);
  if (!cache) {
    cache = new Map();
    radii.set(catalog, cache);
  }
  const cached = cache.get(serviceName);
  if (cached) return [...cached];
  const dependents = dependentsOf(catalog);
  const seen = new Set<string>([serviceName]);
  const queue = [serviceName];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const dependent of dependents.get(next) ?? []) {
      if (!seen.has(dependent)) {
        seen.add(dependent);
        queue.push(dependent);
      }
    }
  }
  seen.delete(serviceName);
  const radius = [serviceName, ...[...seen].sort()];
  cache.set(serviceName, radius);
  return [...radius];
}

function floorOf(service: Service, irreversible: boolean, reviewerDomains: readonly string[]): RiskTier {
  const restricted = service.dataClassification === 'restricted';
  const reviewed = reviewerDomains.length > 0;
  if (restricted && reviewed) return 3;
  if (restricted || reviewed || irreversible) return 2;
  if (service.dataClassification === 'confidential') return 1;
  return 0;
}

/**
 * Scores blast radius, data classification, compliance scope, reversibility and change kind into a tier 0–3;
 * earned confidence lowers it by at most one tier and never below the floor. Tier ≥ 2 fails fast.
 */
export function assessRisk({
  intent,
  service,
  catalog,
  confidence,
  reviewedDomains,
}: RiskInput): RiskAssessment {
  if (confidence !== undefined && !(confidence >= 0 && confidence <= 1)) {
    throw new InvalidInputError(`confidence must be between 0 and 1, got ${confidence}`, [
      { path: 'confidence', message: 'must be between 0 and 1' },
    ]);
  }
  const blastRadius = blastRadiusOf(catalog, service.name);
  const reviewerDomains = reviewerDomainsOf(service, reviewedDomains);
  const otherDomains = service.complianceDomains.filter((d) => !reviewerDomains.includes(d));
  const irreversible = intent.constraints.reversibility === 'irreversible';
  const kind = intent.change.kind;

  const factors: RiskFactor[] = [
    {
      name: 'blast-radius',
      points: blastRadiusPoints(blastRadius.length),
      detail: `${blastRadius.length} service(s) affected: ${blastRadius.join(', ')}`,
    },
    {
      name: 'data-classification',
      points: classificationPoints[service.dataClassification],
      detail: `${service.name} holds ${service.dataClassification} data`,
    },
    {
      name: 'compliance-scope',
      points: reviewerDomains.length > 0 ? 3 : otherDomains.length > 0 ? 1 : 0,
      detail:
        service.complianceDomains.length > 0
          ? `in scope of ${service.complianceDomains.join(', ')}`
          : 'no compliance scope',
    },
    {
      name: 'reversibility',
      points: irreversible ? 3 : 0,
      detail: irreversible ? 'irreversible: cannot be rolled back blindly' : 'reversible',
    },
    { name: 'change-kind', points: kindPoints[kind], detail: `a ${kind} change` },
  ];
  const points = factors.reduce((sum, f) => sum + f.points, 0);
  const pointsTier = tierFromPoints(points);
  const floor = floorOf(service, irreversible, reviewerDomains);
  let tier = Math.max(pointsTier, floor) as RiskTier;

  if (confidence !== undefined && confidence >= CONFIDENCE_TO_LOWER_TIER) {
    const lowered = Math.max(tier - 1, floor) as RiskTier;
    factors.push({
      name: 'earned-confidence',
      points: 0,
      detail:
        lowered < tier
          ? `confidence lower bound ${confidence} ≥ ${CONFIDENCE_TO_LOWER_TIER}: tier ${tier} lowered to ${lowered}`
          : `confidence lower bound ${confidence} ≥ ${CONFIDENCE_TO_LOWER_TIER}, but tier ${tier} is the floor`,
    });
    tier = lowered;
  }

  return {
    tier,
    factors,
    requiresReviewer: tier === 3 || reviewerDomains.length > 0,
    gate: tier >= 2 ? 'fail-fast' : 'auto-continue',
    blastRadius,
    points,
    pointsTier,
    floor,
  };
}
