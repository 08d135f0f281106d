import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { DynamoStateStore } from '../lambdas/adapters/aws/dynamodb-state-store.js';
import { ensureTables } from '../lambdas/adapters/aws/tables.js';
import { localDynamoClient, startDynalite } from '../lambdas/adapters/local/dynalite-server.js';
import { exposureOf } from '../lambdas/adapters/local/exposure.js';
import { type SimulatedDeployment, simulatorKeys } from '../lambdas/adapters/local/simulated-deployment.js';
import { SyntheticMetrics } from '../lambdas/adapters/local/synthetic-telemetry.js';
import { decisionContinuity, recordContinuity } from '../lambdas/core/compounding/continuity.js';
import { confidenceLowerBound } from '../lambdas/core/confidence.js';
import { readConfidence, recordOutcome } from '../lambdas/core/pipeline/confidence-store.js';
import { strategyByName } from '../lambdas/core/release/strategies.js';
import { stateKeys } from '../lambdas/core/state-keys.js';
import type { StateStore } from '../lambdas/ports/state-store.js';
import { ms, percentile, sizeFromEnv } from './stats.js';

/*
 * Per-intent cost against history: the confidence and continuity work one intent does — Verify records
 * continuity, AdmitPolicy and StartRelease read confidence, Learn records the outcome and reads confidence and
 * continuity — on dynalite, with 100 and with 10,000 prior intents of one (service, kind) in the state table.
 * Two ways, on the same tables in the same run:
 * - before: what the stages did before running tallies (an item per intent, every read a Query of the whole
 *   partition), reproduced below;
 * - after: the running tallies the stages use now (one GetItem per read, one conditional totals write per mark).
 * The history is written straight into the tables in the item-per-intent form, which is also the form a state
 * store from before running tallies has; the first read folds it into the totals once, timed on its own.
 * The same tables hold as many past deployments of the service in the AppConfig simulator's records: what one
 * release poll's telemetry read costs against them, through the index of faulty deployments, and listing them
 * all as before it.
 * ITV_BENCH_HISTORY (prior intents, 10,000) and ITV_BENCH_HISTORY_SAMPLES (intents measured per size, 150; the
 * before measure takes a fifth, at most 10) shrink it for CI.
 */

const service = 'checkout';
const kind = 'feature-flag';

/** The stages' confidence and continuity work for one intent, as it was before running tallies. */
async function fullHistoryIntent(state: StateStore, intentId: string): Promise<number> {
  const continuity = stateKeys.continuity(intentId);
  await state.put(continuity.pk, continuity.sk, { reusedDecisionId: null });
  const outcomes = stateKeys.outcome(service, kind, '').pk;
  const tally = async () => {
    const items = await state.list<{ clean: boolean }>(outcomes);
    const successes = items.filter((item) => item.data.clean).length;
    return confidenceLowerBound({ successes, failures: items.length - successes });
  };
  await tally(); // AdmitPolicy
  await tally(); // StartRelease
  const outcome = stateKeys.outcome(service, kind, intentId);
  await state.put(outcome.pk, outcome.sk, { clean: true }); // Learn
  const confidence = await tally();
  const verified = await state.list<{ reusedDecisionId: string | null }>(stateKeys.continuity('').pk);
  return confidence + verified.length;
}

/** The same work through the running tallies, as the stages do it now. */
async function runningTallyIntent(state: StateStore, intentId: string): Promise<number> {
  await recordContinuity(state, intentId, null); // Verify
  await readConfidence(state, service, kind); // AdmitPolicy
  await readConfidence(state, service, kind); // StartRelease
  const record = await recordOutcome(state, service, kind, intentId, true); // Learn
  const continuity = await decisionContinuity(state);
  return confidenceLowerBound(record) + continuity.total;
}

/** A past release of the service, as the AppConfig simulator keeps it: clean, complete. */
function priorDeployment(i: number): SimulatedDeployment {
  const startedAt = new Date(Date.UTC(2026, 0, 1) + i * 600_000);
  return {
    deploymentId: `deployment-prior-${i}`,
    intentId: `prior-${String(i).padStart(6, '0')}`,
    service,
    environment: `${service}-prod`,
    profile: 'flags',
    description: `prior release ${i}`,
    strategy: strategyByName('itv.Immediate3MinuteBake'),
    content: { sha256: String(i % 2).repeat(64), bytes: 30 },
    startedAt: startedAt.toISOString(),
    monitors: [`itv-${service}-error-rate`],
  };
}

/**
 * Writes `count` prior intents of (service, kind) in the item-per-intent form, and as many past deployments of
 * the service in the simulator's records, 25 items per BatchWriteItem.
 */
async function seedHistory(client: DynamoDBClient, table: string, count: number): Promise<void> {
  const requests: WriteRequest[] = [];
  for (let i = 0; i < count; i++) {
    requests.push({
      PutRequest: {
        Item: {
          pk: { S: simulatorKeys.deploymentPartition(service) },
          sk: { S: `deployment-prior-${i}` },
          version: { N: '1' },
          data: { S: JSON.stringify(priorDeployment(i)) },
        },
      },
    });
    const intentId = `prior-${String(i).padStart(6, '0')}`;
    const outcome = stateKeys.outcome(service, kind, intentId);
    const continuity = stateKeys.continuity(intentId);
    for (const [key, data] of [
      [outcome, { clean: i % 10 !== 0 }],
      [continuity, { reusedDecisionId: i % 2 === 0 ? `dec-${i}` : null }],
    ] as const) {
      requests.push({
        PutRequest: {
          Item: {
            pk: { S: key.pk },
            sk: { S: key.sk },
            version: { N: '1' },
            data: { S: JSON.stringify(data) },
          },
        },
      });
    }
  }
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += 25) batches.push(requests.slice(i, i + 25));
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let batch = batches.pop(); batch; batch = batches.pop()) {
        let pending: WriteRequest[] = batch;
        while (pending.length > 0) {
          const { UnprocessedItems } = await client.send(
            new BatchWriteItemCommand({ RequestItems: { [table]: pending } }),
          );
          pending = UnprocessedItems?.[table] ?? [];
        }
      }
    }),
  );
}

const ratio = (large: number, small: number) => `${(large / small).toFixed(2)}×`;

/** `npm run bench` section: printable lines, figures with their targets. */
export async function runHistoryCostBench(): Promise<string[]> {
  const history = sizeFromEnv('ITV_BENCH_HISTORY', 10_000);
  const samples = sizeFromEnv('ITV_BENCH_HISTORY_SAMPLES', 150);
  // The full-partition reads take about a second an intent at 10,000: a few samples show it.
  const beforeSamples = Math.max(3, Math.min(10, Math.round(samples / 5)));
  const sizes = [100, history] as const;
  const server = await startDynalite({});
  const client = localDynamoClient(server.endpoint);
  try {
    const stores: StateStore[] = [];
    const seedStarted = performance.now();
    for (const size of sizes) {
      const table = `bench-history-${size}`;
      await ensureTables(client, { ledger: `${table}-ledger`, state: table });
      await seedHistory(client, table, size);
      stores.push(new DynamoStateStore(client, table));
    }
    const seedMs = performance.now() - seedStarted;
    // Both sizes sample by sample, in alternating order, so both see the same (busy) machine; the first is a
    // warm-up.
    const measure = async (
      work: (state: StateStore, id: string) => Promise<number>,
      label: string,
      n: number,
    ) => {
      const times: number[][] = sizes.map(() => []);
      for (let i = 0; i <= n; i++) {
        for (const s of i % 2 === 0 ? [0, 1] : [1, 0]) {
          const started = performance.now();
          await work(stores[s]!, `${label}-${i}`);
          if (i > 0) times[s]!.push(performance.now() - started);
        }
      }
      return times.map((t) => percentile(t, 50));
    };
    const foldStarted = performance.now();
    await readConfidence(stores[1]!, service, kind);
    await decisionContinuity(stores[1]!);
    const foldMs = performance.now() - foldStarted;
    const [before100, beforeLarge] = await measure(fullHistoryIntent, 'before', beforeSamples);
    const [after100, afterLarge] = await measure(runningTallyIntent, 'after', samples);
    // What each release poll reads of telemetry: an alarm's datapoints over the last three minutes.
    const polls = stores.map(
      (store) =>
        new SyntheticMetrics({
          store,
          baselines: {
            [service]: {
              errorRate: 0.001,
              latencyP99Ms: 120,
              availabilityObjective: 0.999,
              errorBudgetRemaining: 0.9,
            },
          },
        }),
    );
    const pollAt = Date.UTC(2026, 11, 1);
    // Before the index of faulty deployments, each read listed every deployment of the service and prepared it.
    const [listed100, listedLarge] = await measure(
      async (state) =>
        (await state.list<SimulatedDeployment>(simulatorKeys.deploymentPartition(service)))
          .map((item) => exposureOf(item.data))
          .filter((exposure) => exposure.deployment.fault).length,
      'listed',
      beforeSamples,
    );
    const [poll100, pollLarge] = await measure(
      async (state) =>
        (await polls[stores.indexOf(state)]!.datapoints(service, 'errorRate', 60, pollAt, 3)).length,
      'poll',
      samples,
    );
    const width = history.toLocaleString('en-US').length + 6;
    const row = (label: string, small: number, large: number, n: number) =>
      `  ${label.padEnd(34)}${ms(small).padStart(10)}${ms(large).padStart(width)}${ratio(large, small).padStart(9)}   (median of ${n})`;
    return [
      `confidence and continuity work of one intent (Verify, AdmitPolicy, StartRelease, Learn) on dynalite,`,
      `one (service, kind), history of prior intents seeded in ${(seedMs / 1000).toFixed(1)} s:`,
      `  ${'prior intents'.padEnd(34)}${'100'.padStart(10)}${history.toLocaleString('en-US').padStart(width)}${'ratio'.padStart(9)}`,
      row('before: full-partition reads', before100!, beforeLarge!, beforeSamples),
      row('after: running tallies', after100!, afterLarge!, samples),
      `  per-intent time at ${history.toLocaleString('en-US')} prior: ${ratio(afterLarge!, after100!)} of at 100   (target ≤ 1.2×)`,
      `  folding a ${history.toLocaleString('en-US')}-intent history from before running tallies into them, once: ${ms(foldMs)}`,
      `a release poll's telemetry read (one alarm's datapoints), with as many past deployments of the service:`,
      row('before: every deployment listed', listed100!, listedLarge!, beforeSamples),
      row('after: index of faulty ones', poll100!, pollLarge!, samples),
    ];
  } finally {
    client.destroy();
    await server.close();
  }
}
