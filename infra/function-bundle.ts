import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { pipelineStages } from '../statemachines/task-states.js';
import { apiFunctionNames, entryOf, type ItvFunctionName } from './function-access.js';
import { bundleFileName, esbuildOptionsOf } from './function-bundling.js';

const run = promisify(execFile);

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
 * A fresh folder for bundles that can be imported as Lambda imports them: the SDK packages the bundles leave
 * external resolve through a `node_modules` link to the project's, as the runtime's own copy serves them.
 */
export function bundleOutdir(projectRoot = process.cwd()): string {
  const outdir = mkdtempSync(path.join(tmpdir(), 'itv-bundles-'));
  symlinkSync(path.join(projectRoot, 'node_modules'), path.join(outdir, 'node_modules'), 'dir');
  return outdir;
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

/**
 * Bundles several functions with the same options in one esbuild call, which parses the modules they share
 * once (the functions share most of their code). Each bundle is its own entry point with no code split off,
 * so its bytes are those `bundleFunction` writes for it alone (the bundle-size test checks one).
 */
export async function bundleFunctions(
  names: readonly ItvFunctionName[],
  outdir: string,
  projectRoot = process.cwd(),
): Promise<FunctionBundle[]> {
  const { entryPoints: _one, outfile: _file, ...options } = esbuildOptionsOf('', '');
  const entryName = (name: ItvFunctionName) => path.join(name, path.basename(bundleFileName, '.mjs'));
  const result = await build({
    ...options,
    entryPoints: Object.fromEntries(
      names.map((name) => [entryName(name), path.join(projectRoot, entryOf(name))]),
    ),
    outdir,
    outExtension: { '.js': path.extname(bundleFileName) },
    absWorkingDir: projectRoot,
    metafile: true,
    logLevel: 'error',
  });
  return names.map((name) => {
    const file = path.join(outdir, name, bundleFileName);
    const own = path.relative(projectRoot, file);
    // Each bundle's metafile holds its own outputs (the bundle and its source map) and the inputs they use.
    const outputs = Object.fromEntries(
      Object.entries(result.metafile.outputs).filter(([output]) => output === own || output === `${own}.map`),
    );
    return { name, file, bytes: statSync(file).size, metafile: { inputs: result.metafile.inputs, outputs } };
  });
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

/** The AWS SDK packages a bundle imports at run time (left external: the Lambda runtime provides them). */
export function sdkPackagesImported(bundle: FunctionBundle): string[] {
  const output = Object.values(bundle.metafile.outputs).find((o) => o.entryPoint !== undefined);
  const packages = new Set<string>();
  // The output's imports, not its inputs': an import tree-shaking dropped is not loaded.
  for (const imported of output?.imports ?? []) {
    const name = /^@aws-sdk\/[^/]+/.exec(imported.path)?.[0];
    if (imported.external && name) packages.add(name);
  }
  return [...packages].sort();
}

const importScript = `
const started = performance.now();
const module = await import(process.argv[1]);
const importMs = performance.now() - started;
process.stdout.write(JSON.stringify({ importMs, exports: Object.keys(module) }));
`;

export interface ColdImport {
  /** Time of `await import(bundle)` in a fresh process: what a Lambda cold start spends loading the code. */
  importMs: number;
  exports: string[];
}

/**
 * Imports a bundle in a fresh `node` process with an empty environment: no function variable may be needed
 * to load a bundle, since each function receives only those its grants imply, read at first use.
 */
export async function coldImport(file: string): Promise<ColdImport> {
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', importScript, pathToFileURL(file).href],
    {
      env: {},
    },
  );
  return JSON.parse(stdout) as ColdImport;
}
