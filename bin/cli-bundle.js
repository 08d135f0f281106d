// The CLI as one prebuilt file, so a command loads in a fraction of the time tsx takes to compile its
// sources. Built from the sources on first use and again whenever one of them is newer than it; when it
// cannot be built (no esbuild in a production install), `bin/itv.js` runs the sources through tsx.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = process.env.ITV_CLI_CACHE || join(root, 'node_modules', '.cache', 'itv');
const bundleFile = join(cacheDir, 'cli.mjs');
/** The sources the bundle was built from, to tell when it is stale. */
const inputsFile = join(cacheDir, 'cli.inputs.json');

/** The bundle's path, built first if missing or stale; undefined when it cannot be built here. */
export async function cliBundle() {
  if (process.env.ITV_FROM_SOURCES === '1') return undefined;
  if (isFresh()) return bundleFile;
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return undefined;
  }
  mkdirSync(cacheDir, { recursive: true });
  // Several commands may build at once: each writes its own files and renames them into place.
  const suffix = `${process.pid}.tmp`;
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['cli/main.ts'],
    outfile: `${bundleFile}.${suffix}`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.keys(result.metafile.inputs).map((input) => join(root, input));
  writeFileSync(`${inputsFile}.${suffix}`, JSON.stringify(inputs));
  renameSync(`${bundleFile}.${suffix}`, bundleFile);
  renameSync(`${inputsFile}.${suffix}`, inputsFile);
  return bundleFile;
}

function isFresh() {
  try {
    const builtAt = statSync(bundleFile).mtimeMs;
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
    return inputs.every((input) => statSync(input).mtimeMs <= builtAt);
  } catch {
    // Missing, unreadable, or an input that no longer exists: build again.
    rmSync(inputsFile, { force: true });
    return false;
  }
}
