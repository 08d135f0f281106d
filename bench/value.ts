import { valueReportDocument } from '../cli/console/views/value-document.js';
import { renderValuePage } from '../cli/console/views/value-view.js';
import { valueAnswer } from '../lambdas/core/value-answer.js';
import type { ConcludedIntent } from '../lambdas/core/value-report.js';
import { ms, percentile, sizeFromEnv } from './stats.js';
import { runValueLedgerBench } from './value-ledger.js';

/**
 * The value view over many concluded intents: `valueAnswer` (what `GET /value` computes from the concluded
 * intents' summaries — grouping by three taxonomy dimensions, DORA per period, the compounding curves) and the
 * whole page rendered from it (tables, seven charts). Then what one request costs against the ledger, before and
 * with the value view (`value-ledger.ts`).
 */
const count = sizeFromEnv('ITV_BENCH_VALUE_INTENTS', 100_000);
const runs = 5;
const targetMs = 1000;

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
}

/** Concluded intents over half a year: 50 services × 4 kinds, tagged by region, team and quarter. */
function concludedIntents(n: number): ConcludedIntent[] {
  const random = seeded(7);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const regions = ['NA', 'EMEA', 'APAC', 'LATAM', 'ANZ', 'MEA'];
  const teams = Array.from({ length: 20 }, (_, i) => `team-${i}`);
  const quarters = ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'];
  const kinds = ['feature-flag', 'configuration', 'schema', 'rollout'];
  const start = Date.parse('2026-06-01T00:00:00Z');
  return Array.from({ length: n }, (_, i) => {
    const roll = random();
    const outcome = roll < 0.85 ? 'released' : roll < 0.93 ? 'rolled-back' : 'rejected-policy';
    const valuePerHourUsd = Math.round(random() * 50_000) / 100;
    return {
      intentId: `intent-${i}`,
      outcome,
      service: `service-${Math.floor(random() * 50)}`,
      kind: pick(kinds),
      tier: 1 + Math.floor(random() * 4),
      tags: { region: pick(regions), team: pick(teams), quarter: pick(quarters) },
      valuePerHourUsd,
      costOfDelayUsd: Math.round(random() * 10_000) / 100,
      timeToValueSeconds: outcome === 'released' ? 300 + Math.floor(random() * 7200) : null,
      concludedAt: new Date(start + Math.floor((i / n) * 180 * 86_400_000)).toISOString(),
      restoreSeconds: outcome === 'rolled-back' ? 60 + Math.floor(random() * 900) : null,
      employeeCount: random() < 0.7 ? 1 + Math.floor(random() * 200) : null,
      growthModel: 'none',
      compoundedValuePerHourUsd: valuePerHourUsd,
    };
  });
}

/** Printable lines: what was measured, on what, and the time against the 1 s target. */
export async function runValueBench(): Promise<string[]> {
  const intents = concludedIntents(count);
  const samples: number[] = [];
  let bytes = 0;
  let groups = 0;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const report = valueReportDocument(valueAnswer(intents, { by: 'region,team,quarter' }), 'virtual');
    const page = renderValuePage(report, { target: 'bench' });
    samples.push(performance.now() - started);
    bytes = page.length;
    groups = report.groups.length;
  }
  const worst = Math.max(...samples);
  return [
    `${count.toLocaleString('en-US')} concluded intents by region, team and quarter (${groups} groups) -> report + value view (${(bytes / 1024).toFixed(0)} KiB)`,
    `first ${ms(samples[0]!)}, p50 ${ms(percentile(samples, 50))}, worst ${ms(worst)} over ${runs} runs`,
    `target ≤ 1 s: ${worst <= targetMs ? 'met' : 'NOT met'} (${ms(worst)})`,
    ...(await runValueLedgerBench()),
  ];
}
