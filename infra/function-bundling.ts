import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * How every itv function is bundled: the one declaration the stack passes to `NodejsFunction` and the
 * bundle-size test and the benchmark hand to esbuild, so what they measure is what `cdk synth` deploys.
 */
export const functionBundling = {
  format: OutputFormat.ESM,
  target: 'node22',
  minify: true,
  sourceMap: true,
  // Step Functions Retry/Catch match on error class names, which minification would otherwise mangle.
  keepNames: true,
  mainFields: ['module', 'main'],
  // The Lambda runtime provides SDK v3; said here rather than left to CDK's default, so the in-process
  // bundle leaves out exactly what the deployed one leaves out.
  externalModules: ['@aws-sdk/*'],
  // esbuild's ESM output calls require() for Node built-ins pulled in by CommonJS dependencies.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
} satisfies BundlingOptions;

/** The file name CDK gives an ESM bundle inside its asset folder. */
export const bundleFileName = 'index.mjs';

/**
 * The esbuild options `NodejsFunction` derives from `functionBundling` (its `--bundle --platform=node
 * --target --format --minify --sourcemap --external --keep-names --banner --main-fields` arguments).
 */
export function esbuildOptionsOf(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: functionBundling.target,
    format: functionBundling.format === OutputFormat.ESM ? 'esm' : 'cjs',
    minify: functionBundling.minify,
    sourcemap: functionBundling.sourceMap,
    external: [...functionBundling.externalModules],
    keepNames: functionBundling.keepNames,
    banner: { js: functionBundling.banner },
    mainFields: [...functionBundling.mainFields],
  };
}
