import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { pipelineStages } from '../statemachines/task-states.js';
import { apiFunctionNames, entryOf, type ItvFunctionName } from './function-access.js';
import { bundleFileName, esbuildOptionsOf } from './function-bundling.js';

/** Every function the stack deploys, in the stack's order. */
export const itvFunctionNames: readonly ItvFunctionName[] = [...pipelineStages, ...apiFunctionNames];

export interface FunctionBundle {
  name: ItvFunctionName;
  /** The bundle, `<outdir>/<name>/index.mjs`, as CDK lays out an asset. */
  file: string;
  /** Size of the bundle itself (the source map beside it not counted). */
  bytes: number;
  metafile: Metafile;
}

/**
 * Bundles one function in process with exactly the stack's esbuild options (no Docker, no CDK), for the
 * bundle-size test and the benchmark.
 */
export async function bundleFunction(
  name: ItvFunctionName,
  outdir: string,
  projectRoot = process.cwd(),
): Promise<FunctionBundle> {
  const dir = path.join(outdir, name);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, bundleFileName);
  const result = await build({
    ...esbuildOptionsOf(path.join(projectRoot, entryOf(name)), file),
    absWorkingDir: projectRoot,
    metafile: true,
    logLevel: 'error',
  });
  return { name, file, bytes: statSync(file).size, metafile: result.metafile };
}

/** The packages (or project folders) that weigh most in a bundle, heaviest first: `[name, bytes]`. */
export function heaviestInputs(bundle: FunctionBundle, count = 5): Array<[string, number]> {
  const output = Object.values(bundle.metafile.outputs).find((o) => o.entryPoint !== undefined);
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const key = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? path.dirname(input);
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  return [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, count);
}
