import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import {
  bundleFunctions,
  bundleOutdir,
  coldImport,
  type FunctionBundle,
  itvFunctionNames,
  sdkPackagesImported,
} from '../infra/function-bundle.js';
import { ms, percentile, sizeFromEnv } from './stats.js';

/*
 * Each function's deployed bundle, built in process with the stack's esbuild options:
 * - its size (the .mjs, not its source map) against 460 KB (submit-intent validates structure for dry runs, decides their preemptions, and checks payloads by reference);
 * - its cold import: `await import(bundle)` timed inside a fresh `node` with an empty environment, the median
 *   of ITV_BENCH_IMPORT_RUNS runs (CI runs it small), against 250 ms. Beside it, the same for the SDK clients
 *   the bundle imports alone: the Lambda runtime provides those, so that part is the floor the bundle cannot
 *   go below, and the difference is what the bundle's own code costs.
 * Why 250 ms: Lambda runs the import in the init phase of every cold start, billed, and an API caller waits
 * for it; 250 ms keeps a cold `POST /intents` well under a second, with room for the call itself. Load
 * average is printed because figures from a busy machine run long (a 2-core machine at load 8 roughly
 * triples them).
 */

const runs = sizeFromEnv('ITV_BENCH_IMPORT_RUNS', 5);
const sizeTargetBytes = 460_000;
const importTargetMs = 250;
const run = promisify(execFile);

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const median = (samples: number[]) => percentile(samples, 50);
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');

/** `await import()` of each package, in order, in a fresh `node` with an empty environment (ms). */
async function importPackages(packages: readonly string[]): Promise<number> {
  const script = `
const started = performance.now();
for (const name of ${JSON.stringify(packages)}) await import(name);
process.stdout.write(String(performance.now() - started));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: {} });
  return Number(stdout);
}

interface ImportTimes {
  cold: number;
  sdk: number;
  own: number;
}

/**
 * Medians over `runs` pairs, each the bundle's cold import and its SDK clients' alone, one after the other so
 * both see the same machine; `own` is the median of the pairwise differences.
 */
async function importTimes(bundle: FunctionBundle, sdk: readonly string[]): Promise<ImportTimes> {
  const cold: number[] = [];
  const alone: number[] = [];
  const own: number[] = [];
  for (let i = 0; i < runs; i++) {
    alone.push(await importPackages(sdk));
    cold.push((await coldImport(bundle.file)).importMs);
    own.push(cold[i]! - alone[i]!);
  }
  return { cold: median(cold), sdk: median(alone), own: median(own) };
}

/** `npm run bench` section: one line per function, its figures beside their targets. */
export async function runBundleBench(): Promise<string[]> {
  const outdir = bundleOutdir();
  try {
    const bundles: FunctionBundle[] = await bundleFunctions(itvFunctionNames, outdir);
    const lines = [
      `cold import: median of ${runs} fresh processes each; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
      `${'function'.padEnd(20)}${'bundle'.padStart(10)}  ≤ 460 KB${'cold import'.padStart(14)}${'SDK alone'.padStart(11)}${'own code'.padStart(10)}  ≤ 250 ms   SDK clients`,
    ];
    let sizesMet = 0;
    let importsMet = 0;
    for (const bundle of bundles) {
      const sdk = sdkPackagesImported(bundle);
      const times = await importTimes(bundle, sdk);
      sizesMet += bundle.bytes <= sizeTargetBytes ? 1 : 0;
      importsMet += times.cold <= importTargetMs ? 1 : 0;
      lines.push(
        `${bundle.name.padEnd(20)}${kb(bundle.bytes).padStart(10)}  ${verdict(bundle.bytes <= sizeTargetBytes).padEnd(8)}${ms(times.cold).padStart(14)}${ms(times.sdk).padStart(11)}${ms(times.own).padStart(10)}  ${verdict(times.cold <= importTargetMs).padEnd(9)}  ${sdk.map((p) => p.replace('@aws-sdk/client-', '')).join(', ') || '-'}`,
      );
    }
    lines.push(
      `target bundle ≤ 460 KB: ${sizesMet}/${bundles.length} met; target cold import ≤ 250 ms: ${importsMet}/${bundles.length} met`,
    );
    return lines;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
