import { generateCatalog } from '../catalog/generate.js';
import { decideAdmission, decideNonInterference, type Occupancy } from '../lambdas/core/admission/index.js';
import { type Occupant, toOccupant } from '../lambdas/core/admission/occupant.js';
import { inlineIntent, intentSchema, type ResolvedIntent } from '../lambdas/core/intent.js';
import { laneOf } from '../lambdas/core/lane.js';
import { parseCatalog } from '../lambdas/core/parse-catalog.js';
import { evaluatePolicy } from '../lambdas/core/policy/evaluate.js';
import { chooseStrategy, deploymentTimeline } from '../lambdas/core/release/index.js';
import { assessRisk, blastRadiusOf } from '../lambdas/core/risk.js';
import type { InFlightRecord } from '../lambdas/core/state-keys.js';
import { generatePolicySet } from '../policies/generate.js';
import { defaultPolicySet } from '../policies/index.js';
import { ms, percentile, sizeFromEnv } from './stats.js';

/**
 * Admission latency in process: the pure admission decision (`decideAdmission`: the policy set, the risk tier
 * and non-interference against the INFLIGHT partition as read) for intents against a generated 1,000-service
 * catalog, with a 100-rule policy set and a busy estate (40 releases in flight, 20 intents queued). Not
 * measured: parsing the intent (zod, ~7 µs), the state-store reads and the conditional writes, and the ledger
 * append, which are I/O on DynamoDB and are the pipeline bench's business. The process is warm: the catalog's
 * reverse topology and blast radii are memoized per loaded catalog, as a warm Lambda keeps them.
 */
const services = sizeFromEnv('ITV_BENCH_SERVICES', 1000);
const policies = sizeFromEnv('ITV_BENCH_POLICIES', 100);
const decisions = sizeFromEnv('ITV_BENCH_ADMISSIONS', 5000);
const inFlight = 40;
const queuedCount = 20;
const now = new Date('2026-11-04T15:00:00Z');

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
}

function intentFor(serviceName: string, owner: string, i: number): ResolvedIntent {
  return inlineIntent(
    intentSchema.parse({
      apiVersion: 'itv/v1',
      kind: 'Intent',
      title: `Tune ${serviceName} timeouts (${i})`,
      goal: {
        outcome: 'Fewer timeouts at peak',
        metric: 'timeout-rate',
        valueModel: { basis: 'productivity-gain', totalValueUsd: 50_000 + i * 10, years: 1 },
      },
      authority: { requester: owner, team: 'any', role: 'engineering-manager' },
      timestamp: now.toISOString(),
      change: {
        service: serviceName,
        profile: 'config',
        contractVersion: '1.0.0',
        kind: 'configuration',
        payload: { timeoutMs: 800, retries: 2, cacheEnabled: true, sampleRatePercent: 5 },
      },
      tags: { team: 'any', region: 'EMEA' },
    }),
  );
}

function summary(label: string, samples: number[]): string {
  const mean = samples.reduce((sum, s) => sum + s, 0) / samples.length;
  return `${label.padEnd(34)} p50 ${ms(percentile(samples, 50))}  p90 ${ms(percentile(samples, 90))}  p99 ${ms(percentile(samples, 99))}  max ${ms(Math.max(...samples))}  mean ${ms(mean)}`;
}

/** Printable lines: what was measured, on what, and the latency percentiles against the 2 ms p99 target. */
export async function runAdmissionBench(): Promise<string[]> {
  const setupStarted = performance.now();
  const catalog = parseCatalog(generateCatalog({ services }));
  const rules = generatePolicySet(catalog, policies);
  const names = Object.keys(catalog.services);
  const pick = seeded(7);
  const serviceAt = () => catalog.services[names[Math.floor(pick() * names.length)] as string]!;
  const radii = names.map((n) => blastRadiusOf(catalog, n).length).sort((a, b) => a - b);

  // A busy estate: distinct lanes in flight, and queued intents with arrival tickets behind them.
  const records: InFlightRecord[] = [];
  for (let i = 0; i < inFlight + queuedCount; i++) {
    const service = serviceAt();
    const admitted = i < inFlight;
    const duration = deploymentTimeline(chooseStrategy({ tier: (i % 4) as 0 | 1 | 2 | 3, confidence: 0.3 }));
    records.push({
      intentId: `int-busy-${i}`,
      lane: laneOf(service),
      blastRadius: blastRadiusOf(catalog, service.name),
      status: admitted ? 'admitted' : 'queued',
      ...(admitted ? { admittedAt: new Date(now.getTime() - i * 30_000).toISOString() } : {}),
      arrival: i + 1,
      arrivedAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      predictedDurationSeconds: duration.bakeEndSeconds,
      strategy: 'bench',
      valuePerHourUsd: 10 + i,
      emergencyOverride: false,
    });
  }
  const occupancy: Occupancy = { version: records.length, others: records };
  const candidates = Array.from({ length: 500 }, (_, i) => {
    const service = serviceAt();
    return { intent: intentFor(service.name, service.owners[0] ?? 'nobody', i), service };
  });
  const setupSeconds = (performance.now() - setupStarted) / 1000;

  const decide = (i: number) => {
    const { intent, service } = candidates[i % candidates.length]!;
    return decideAdmission({
      intent,
      intentId: `int-${i}`,
      service,
      catalog,
      now,
      confidence: 0,
      occupancy,
      policies: { ...defaultPolicySet, rules },
    });
  };
  for (let i = 0; i < 1000; i++) decide(i);

  const total: number[] = [];
  const policy: number[] = [];
  const risk: number[] = [];
  const interference: number[] = [];
  const verdicts: Record<string, number> = {};
  const rejectedBy: Record<string, number> = {};
  const others = records.map(toOccupant);
  for (let i = 0; i < decisions; i++) {
    const { intent, service } = candidates[i % candidates.length]!;
    let t = performance.now();
    const decision = decide(i);
    total.push(performance.now() - t);
    verdicts[decision.verdict] = (verdicts[decision.verdict] ?? 0) + 1;
    for (const f of decision.failed) rejectedBy[f.rule] = (rejectedBy[f.rule] ?? 0) + 1;

    t = performance.now();
    evaluatePolicy({ intent, service, catalog, now, phase: 'admission' }, rules);
    policy.push(performance.now() - t);
    t = performance.now();
    const assessed = assessRisk({
      intent,
      service,
      catalog,
      confidence: 0,
      reviewedDomains: defaultPolicySet.reviewedDomains,
    });
    risk.push(performance.now() - t);
    const candidate: Occupant = {
      intentId: `int-${i}`,
      status: 'queued',
      lane: decision.lane,
      blastRadius: assessed.blastRadius,
      arrival: records.length + 1,
      arrivedAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      predictedDurationSeconds: decision.predictedDurationSeconds,
      strategy: decision.strategy,
      valuePerHourUsd: 100,
      emergencyOverride: false,
    };
    t = performance.now();
    decideNonInterference({ candidate, others, now, override: false });
    interference.push(performance.now() - t);
  }
  const p99 = percentile(total, 99);
  return [
    `catalog: ${names.length} services (generated, seed 2026), ${Object.values(catalog.services).reduce((s, x) => s + x.dependencies.length, 0)} dependency edges; blast radius median ${radii[Math.floor(radii.length / 2)]}, p99 ${radii[Math.floor(radii.length * 0.99)]}, max ${radii.at(-1)} services`,
    `policy set: ${rules.length} rules (10 shipped + generated per-service freeze calendars and profile-role rules)`,
    `estate: ${inFlight} releases in flight, ${queuedCount} intents queued; ${decisions} decisions after 1,000 warm-up; setup ${setupSeconds.toFixed(1)} s`,
    `measured: decideAdmission() alone, pure and in process (policy + risk + non-interference); not I/O, not zod parsing`,
    summary('admission decision', total),
    summary('  policy set alone', policy),
    summary('  risk tier alone', risk),
    summary('  non-interference alone', interference),
    `verdicts: ${Object.entries(verdicts)
      .map(([v, n]) => `${v} ${n}`)
      .join(', ')}; failed constraints: ${Object.entries(rejectedBy)
      .sort((a, b) => b[1] - a[1])
      .map(([rule, n]) => `${rule} ${n}`)
      .join(', ')}`,
    `target p99 ≤ 2 ms: ${p99 <= 2 ? 'met' : 'NOT met'} (${ms(p99)})`,
  ];
}
