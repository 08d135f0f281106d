import fc from 'fast-check';
// The generators and entry points the fuzz test uses (test/unit/core/intent-door.fuzz.test.ts), run longer.
import { type FuzzFailure, fuzzTarget, hostileIntent } from '../test/support/intent-fuzz.js';
import { sizeFromEnv } from './stats.js';

/**
 * Hostile intents through the door and every entry point: the parser, completeness and id derivation, the
 * API function, the EventBridge intake and DeclareIntent. Counts crashes (an exception or a 500) and secrets
 * kept in an answer, a log line, an execution input or the ledger — targets 0 and 0.
 */
const seed = 20261202;
const batchSize = 1000;

export async function runFuzzBench(): Promise<string[]> {
  const runs = sizeFromEnv('ITV_BENCH_FUZZ_RUNS', 20_000);
  let crashes = 0;
  let secretsKept = 0;
  let withSecret = 0;
  const firstFailures: FuzzFailure[] = [];
  const started = performance.now();
  // In batches with fresh stores: the in-memory ledger's per-intent reads scan it whole, which is the
  // fake's cost, not the door's, and would make a long run quadratic.
  for (let batch = 0; batch * batchSize < runs; batch += 1) {
    const fuzzOne = fuzzTarget();
    await fc.assert(
      fc.asyncProperty(hostileIntent, async (input) => {
        if (input.secret) withSecret += 1;
        const failures = await fuzzOne(input);
        if (failures.some((f) => f.what === 'kept the secret' || f.what.startsWith('accepted')))
          secretsKept += 1;
        if (
          failures.some(
            (f) => f.what.startsWith('threw') || f.what.startsWith('answered') || f.where === 'logs',
          )
        ) {
          crashes += 1;
        }
        if (firstFailures.length < 5) firstFailures.push(...failures.slice(0, 5 - firstFailures.length));
        return true;
      }),
      { seed: seed + batch, numRuns: Math.min(batchSize, runs - batch * batchSize) },
    );
  }
  const seconds = (performance.now() - started) / 1000;
  return [
    `fuzz: ${runs} generated hostile intents (${withSecret} carrying a secret), seeds ${seed}+, ${seconds.toFixed(1)} s`,
    `  intents that crashed an entry point (exception or 500): ${crashes} (target 0)`,
    `  intents whose secret was answered, logged, started or recorded: ${secretsKept} (target 0)`,
    ...firstFailures.map((f) => `  e.g. ${f.where}: ${f.what}`),
  ];
}
