import type { CatalogData, ServiceInput, TeamInput } from '../lambdas/core/catalog-schema.js';
import { bool, objectContract, percent, positiveInt } from './contracts.js';

/**
 * A large synthetic catalog with the shape of a real estate of services: a few platform services at the
 * bottom that most others call (auth, billing, messaging), a layer of shared domain services behind the
 * seed's use cases, and a wide layer of product services on top. Dependencies are drawn with preferential
 * attachment, so fan-in follows the heavy-tailed distribution service graphs show, and a change to a
 * platform service has a blast radius of hundreds. Deterministic for a given seed.
 */
export interface GeneratedCatalogOptions {
  services: number;
  seed?: number;
}

const domains = [
  'onboarding',
  'deal-desk',
  'incident',
  'policy',
  'hiring',
  'procurement',
  'finance',
  'launch',
  'support',
  'access',
  'model',
  'catalog',
  'checkout',
  'search',
  'messaging',
  'identity',
] as const;
const platform = ['auth', 'billing', 'messaging', 'storage', 'search', 'flags', 'ledger', 'notifications'];
const nouns = ['api', 'worker', 'router', 'gateway', 'scheduler', 'store', 'portal', 'engine', 'sync', 'ui'];
const timeZones = [
  'America/Los_Angeles',
  'America/New_York',
  'America/Chicago',
  'Europe/London',
  'Europe/Dublin',
  'Europe/Berlin',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Australia/Sydney',
  'UTC',
];

/** mulberry32: a small seeded generator, so the same seed always yields the same catalog. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Shared contract objects: the validator compiles each once (structure is not what the generator varies).
const contracts = {
  config: objectContract(
    { timeoutMs: positiveInt, retries: positiveInt, cacheEnabled: bool, sampleRatePercent: percent },
    [],
  ),
};

function teamsFor(count: number, pick: () => number): TeamInput[] {
  const teams: TeamInput[] = [
    {
      name: 'sre',
      title: 'Site reliability',
      members: [
        { principal: 'ic-1', role: 'sre-lead' },
        { principal: 'ic-2', role: 'sre-lead' },
        { principal: 'sre-1', role: 'sre' },
      ],
    },
  ];
  for (let t = 0; t < count; t++) {
    const size = 4 + Math.floor(pick() * 5);
    teams.push({
      name: `team-${t}`,
      title: `Team ${t}`,
      members: Array.from({ length: size }, (_, m) => ({
        principal: `t${t}-m${m}`,
        role: m === 0 ? 'engineering-manager' : m === 1 ? 'product-manager' : 'engineer',
      })),
    });
  }
  return teams;
}

/** `services` services over teams of four to eight, layered 5 % platform, 25 % domain, 70 % product. */
export function generateCatalog({ services, seed = 2026 }: GeneratedCatalogOptions): CatalogData {
  const pick = random(seed);
  const choose = <T>(list: readonly T[]): T => list[Math.floor(pick() * list.length)] as T;
  const teams = teamsFor(Math.max(1, Math.ceil(services / 12)), pick);
  const ownerTeams = teams.slice(1);
  const platformCount = Math.max(1, Math.round(services * 0.05));
  const domainCount = Math.round(services * 0.25);
  const fanIn: number[] = [];
  const names: string[] = [];
  const result: ServiceInput[] = [];

  // Preferential attachment among the first `limit` services: p(i) ∝ 1 + fan-in(i).
  const attach = (limit: number, count: number, self: number): string[] => {
    const chosen = new Set<number>();
    const total = fanIn.slice(0, limit).reduce((sum, f) => sum + 1 + f, 0);
    for (let tries = 0; chosen.size < Math.min(count, limit) && tries < count * 8; tries++) {
      let target = pick() * total;
      let index = 0;
      for (; index < limit - 1; index++) {
        target -= 1 + (fanIn[index] ?? 0);
        if (target <= 0) break;
      }
      if (index !== self) chosen.add(index);
    }
    for (const i of chosen) fanIn[i] = (fanIn[i] ?? 0) + 1;
    return [...chosen].map((i) => names[i] as string);
  };

  for (let i = 0; i < services; i++) {
    const layer = i < platformCount ? 'platform' : i < platformCount + domainCount ? 'domain' : 'product';
    const name =
      layer === 'platform'
        ? `${platform[i % platform.length]}-core-${i}`
        : `${choose(domains)}-${choose(nouns)}-${i}`;
    names.push(name);
    fanIn.push(0);
    const dependencies =
      layer === 'platform'
        ? attach(i, Math.floor(pick() * 2), i)
        : layer === 'domain'
          ? attach(i, 1 + Math.floor(pick() * 3), i)
          : attach(platformCount + domainCount, 1 + Math.floor(pick() * 4), i);
    const team = choose(ownerTeams);
    const roll = pick();
    const dataClassification =
      roll < 0.1 ? 'public' : roll < 0.5 ? 'internal' : roll < 0.9 ? 'confidential' : 'restricted';
    const complianceDomains = [
      ...(pick() < 0.7 ? (['SOC2'] as const) : []),
      ...(pick() < 0.3 ? (['GDPR'] as const) : []),
      ...(pick() < 0.05 ? (['PCI'] as const) : []),
      ...(pick() < 0.03 ? (['HIPAA'] as const) : []),
      ...(pick() < 0.05 ? (['SOX'] as const) : []),
    ];
    result.push({
      name,
      title: `${name} (${layer})`,
      ownerTeam: team.name,
      owners: [team.members[0]?.principal ?? 'nobody'],
      changeRoles: ['engineering-manager', 'engineer'],
      timeZone: choose(timeZones),
      environment: 'prod',
      dependencies,
      dataClassification,
      complianceDomains,
      ...(pick() < 0.1 ? { businessHours: { weekdays: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' } } : {}),
      ...(complianceDomains.includes('GDPR')
        ? { legal: { dataResidency: 'EU' as const, contact: 'privacy-counsel' } }
        : {}),
      slo: {
        availabilityObjective: 0.999,
        errorRate: 0.0004,
        latencyP99Ms: 100 + Math.floor(pick() * 900),
        errorBudgetRemaining: pick() < 0.03 ? 0 : Math.round(pick() * 100) / 100,
      },
      profiles: { config: { type: 'freeform', contracts: { '1.0.0': contracts.config } } },
    });
  }
  const reviewers = { HIPAA: ['hipaa-reviewer'], SOX: ['sox-reviewer'], PCI: ['pci-reviewer'] };
  const ids = new Set([
    ...teams.flatMap((team) => team.members.map((member) => member.principal)),
    ...result.flatMap((service) => [...service.owners, ...(service.legal ? [service.legal.contact] : [])]),
    ...Object.values(reviewers).flat(),
  ]);
  const principals = [...ids].map((id) => ({ id, name: id, email: `${id}@example.com` }));
  return { principals, teams, services: result, reviewers };
}
