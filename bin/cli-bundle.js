// The CLI prebuilt with esbuild, so a command loads in a fraction of the time tsx takes to compile its
// sources: one entry file plus a chunk per command, each loaded only by the command that needs it. Built from
// the sources on first use and again whenever one of them is newer than the build; when it cannot be built
// (no esbuild in a production install), `bin/itv.js` runs the sources through tsx.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// ITV_CLI_CACHE (for tests) must lie under the project's node_modules, where the build finds its packages.
// One folder per checkout: checkouts that share a node_modules (git worktrees) must not run each other's build.
const cacheDir =
  process.env.ITV_CLI_CACHE ||
  join(root, 'node_modules', '.cache', 'itv', createHash('sha256').update(root).digest('hex').slice(0, 12));
/** The current build: its folder and the sources it was built from, to tell when it is stale. */
const currentFile = join(cacheDir, 'cli.json');
/**
 * A build older than this is removed when a newer one is made. A command loads its own chunk as it starts
 * (the only dynamic imports are the commands' in cli/main.ts), so only a command starting in the same instant
 * could still need the previous build.
 */
const keepOldBuildsMs = 10 * 60 * 1000;

/** The entry file of the current build, built first if missing or stale; undefined when it cannot be built. */
export async function cliBundle() {
  if (process.env.ITV_FROM_SOURCES === '1') return undefined;
  const fresh = currentBuild();
  if (fresh) return fresh;
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return undefined;
  }
  // Each build has its own folder, so a command still loading chunks of the previous one is not disturbed,
  // and several commands building at once each write their own before one of them becomes current.
  const build = `build-${Date.now()}-${process.pid}`;
  const outdir = join(cacheDir, build);
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { cli: 'cli/main.ts' },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    // The build runs from node_modules/.cache, which Node reaches by its real path: where checkouts share a
    // node_modules through a link (git worktrees), walking up from there finds another checkout. The build
    // knows which checkout it was made from (cli/project-root.ts).
    define: { ITV_CHECKOUT_ROOT: JSON.stringify(root) },
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.keys(result.metafile.inputs).map((input) => join(root, input));
  const temporary = `${currentFile}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ build, inputs, builtAt: Date.now() }));
  renameSync(temporary, currentFile);
  removeOldBuilds(build);
  return join(outdir, 'cli.mjs');
}

function currentBuild() {
  try {
    const { build, inputs, builtAt } = JSON.parse(readFileSync(currentFile, 'utf8'));
    const entry = join(cacheDir, build, 'cli.mjs');
    statSync(entry);
    return inputs.every((input) => statSync(input).mtimeMs <= builtAt) ? entry : undefined;
  } catch {
    // Missing, unreadable, or an input that no longer exists: build again.
    return undefined;
  }
}

function removeOldBuilds(current) {
  for (const name of readdirSync(cacheDir)) {
    if (!name.startsWith('build-') || name === current) continue;
    const folder = join(cacheDir, name);
    try {
      if (Date.now() - statSync(folder).mtimeMs > keepOldBuildsMs)
        rmSync(folder, { recursive: true, force: true });
    } catch {
      // Removed by another command meanwhile.
    }
  }
}
