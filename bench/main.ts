import { runAdmissionBench } from './admission.js';
import { runBundleBench } from './bundles.js';
import { runCliStartupBench } from './cli-startup.js';
import { runConsoleBench } from './console.js';
import { runFrozenReleaseBench } from './frozen-release.js';
import { runFuzzBench } from './fuzz.js';
import { runHistoryCostBench } from './history-cost.js';
import { runLedgerBench } from './ledger.js';
import { runLoadBench } from './load.js';
import { runPipelineBench } from './pipeline.js';
import { runReleaseBench } from './release.js';
import { runValueBench } from './value.js';

/**
 * `npm run bench`: every figure the issues ask for, measured in one run and printed with its target.
 * Sizes come from ITV_BENCH_* variables so CI can run it small; words after `--` pick sections by title.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const sections: Array<[string, () => Promise<string[]>]> = [
  ['pipeline (local runtime)', runPipelineBench],
  // Admission's sub-millisecond percentiles run before the ledger bench, which leaves ~1 GB to collect.
  ['admission (in process)', runAdmissionBench],
  ['release (virtual time)', runReleaseBench],
  ['frozen releases (virtual time)', runFrozenReleaseBench],
  ['per-intent cost against history (dynalite)', runHistoryCostBench],
  ['ledger (dynalite, verification)', runLedgerBench],
  ['function bundles (esbuild, cold import)', runBundleBench],
  ['load (itv serve -> control plane, 429 back-pressure)', runLoadBench],
  ['fuzz (hostile intents through every entry point)', runFuzzBench],
  ['cli start-up (itv as a user runs it)', runCliStartupBench],
  ['console (first view, 10,000 intents)', runConsoleBench],
  ['value (report and value view, in process)', runValueBench],
];

// `npm run bench -- load release`: only the sections whose title starts with one of the words given.
const only = process.argv.slice(2);
for (const [title, run] of sections) {
  if (only.length > 0 && !only.some((word) => title.startsWith(word))) continue;
  console.log(`\n== ${title}`);
  const started = performance.now();
  for (const line of await run()) console.log(line);
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
