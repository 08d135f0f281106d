import fc from 'fast-check';
// And the export mutations of test/unit/evidence/export-verify.fuzz.test.ts.
import { type FuzzVerdict, honestExport, judge, mutate, mutations } from '../test/support/export-fuzz.js';
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
    ...(await runExportFuzz()),
    `fuzz: ${runs} generated hostile intents (${withSecret} carrying a secret), seeds ${seed}+, ${seconds.toFixed(1)} s`,
    `  intents that crashed an entry point (exception or 500): ${crashes} (target 0)`,
    `  intents whose secret was answered, logged, started or recorded: ${secretsKept} (target 0)`,
    ...firstFailures.map((f) => `  e.g. ${f.where}: ${f.what}`),
  ];
}

/**
 * Generated edits of an honest export and its checkpoints file, each verified as `itv ledger verify --file`
 * does. Counts exports accepted (exit 0 though an entry changed or a signed checkpoint is gone, or exit 3
 * counting a changed entry as covered) and crashes (the verifier threw) — targets 0 and 0.
 */
async function runExportFuzz(): Promise<string[]> {
  const runs = sizeFromEnv('ITV_BENCH_FUZZ_EXPORTS', 20_000);
  const honest = await honestExport();
  const counts = new Map<FuzzVerdict['kind'], number>();
  const firstFailures: string[] = [];
  const started = performance.now();
  fc.assert(
    fc.property(mutations, (edits) => {
      const verdict = judge(honest, mutate(honest, edits));
      counts.set(verdict.kind, (counts.get(verdict.kind) ?? 0) + 1);
      if ('detail' in verdict && firstFailures.length < 5)
        firstFailures.push(
          `  e.g. ${verdict.kind}: ${verdict.detail.split('\n')[0]} after ${JSON.stringify(edits)}`,
        );
      return true;
    }),
    { seed, numRuns: runs },
  );
  const seconds = (performance.now() - started) / 1000;
  const count = (kind: FuzzVerdict['kind']) => counts.get(kind) ?? 0;
  return [
    `fuzz: ${runs} exports mutated (1-4 generated edits each), seed ${seed}, ${seconds.toFixed(1)} s`,
    `  rejected (exit 1): ${count('rejected')}; unanchored (exit 3): ${count('unanchored')}; entries unchanged: ${count('honest')}; no-op: ${count('no-op')}`,
    `  honest prefixes with every later checkpoint removed too (a rollback; each shown by --witness): ${count('rollback')}`,
    `  exports accepted with a changed entry or a missing checkpoint: ${count('accepted') + count('no-op refused')} (target 0)`,
    `  exports that crashed the verifier: ${count('crashed')} (target 0)`,
    ...firstFailures,
  ];
}
