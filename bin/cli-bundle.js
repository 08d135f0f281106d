// The CLI prebuilt with esbuild, so a command loads in a fraction of the time tsx takes to compile its
// sources: one entry file plus a chunk per command, each loaded only by the command that needs it. Built from
// the sources on first use and again whenever one of them is newer than the build; when it cannot be built
// (no esbuild in a production install), `bin/itv.js` runs the sources through tsx. Either way the CLI knows the
// identity of the sources it runs (`sourcesIdentity`), which a control plane reports so that a command built from
// other sources does not take its answers from it (cli/control-plane/client.ts).
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// ITV_CLI_CACHE (for tests) must lie under the project's node_modules, where the build finds its packages.
// One folder per checkout: checkouts that share a node_modules (git worktrees) must not run each other's build.
const cacheDir = process.env.ITV_CLI_CACHE || join(root, 'node_modules', '.cache', 'itv', checkoutTag(root));
/** The current build: its folder and the sources it was built from, to tell when it is stale. */
const currentFile = join(cacheDir, 'cli.json');
/**
 * A build older than this is removed when a newer one is made. A command loads its own chunk as it starts
 * (the only dynamic imports are the commands' in cli/main.ts), so only a command starting in the same instant
 * could still need the previous build.
 */
const keepOldBuildsMs = 10 * 60 * 1000;

/**
 * The folders whose files make what the CLI and its control plane do: the code, the catalog and the policies.
 * Tests are left out; package-lock.json stands for the packages built in.
 */
const sourceFolders = ['bin', 'catalog', 'cli', 'lambdas', 'policies', 'statemachines'];
const sourceFile = /\.(ts|js|mjs|json)$/;

/** The identity of the current build's sources, recorded as it was made; see `sourcesIdentity`. */
let builtFrom;

/** The entry file of the current build, built first if missing or stale; undefined when it cannot be built. */
export async function cliBundle() {
  if (process.env.ITV_FROM_SOURCES === '1') return undefined;
  const fresh = currentBuild();
  if (fresh) {
    builtFrom = fresh.identity;
    return fresh.entry;
  }
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
  // Read before the build: a source edited while it runs makes a later build with an identity of its own.
  const identity = await sourcesIdentity(root);
  const result = await esbuild.build({
    absWorkingDir: root,
    // The thread that writes a home's evidence files starts from a module of its own (worker-module.ts).
    entryPoints: { cli: 'cli/main.ts', 'evidence-writer': 'lambdas/adapters/local/evidence-writer.ts' },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Packages are built in too: loaded from node_modules, the control plane's (the AWS SDK clients, zod, ajv,
    // the state machine runner: hundreds of files, most CommonJS that Node parses twice to link into ES modules)
    // took 1.6 s of CPU to start, built in 1.2 s, and `itv submit` 0.57 s against 0.48 s. dynalite stays in
    // node_modules: it loads LevelDB's native binding and its own action modules by path, relative to itself.
    plugins: [externalPackages(['dynalite'])],
    // Built-in CommonJS packages require() Node's own modules: they need a require in the ES module they are in.
    banner: {
      js: "import { createRequire as itvCreateRequire } from 'node:module'; const require = itvCreateRequire(import.meta.url);",
    },
    sourcemap: 'inline',
    // Stack traces need the mappings, not the sources (which are on disk): without them the maps Node parses
    // as each module loads are a fraction of the size.
    sourcesContent: false,
    // The build runs from node_modules/.cache, which Node reaches by its real path: where checkouts share a
    // node_modules through a link (git worktrees), walking up from there finds another checkout. The build
    // knows which checkout it was made from (cli/project-root.ts).
    define: { ITV_CHECKOUT_ROOT: JSON.stringify(root) },
    metafile: true,
    logLevel: 'error',
  });
  // This file is an input too: a change to how the CLI is built makes a new build.
  const inputs = [
    fileURLToPath(import.meta.url),
    ...Object.keys(result.metafile.inputs).map((input) => join(root, input)),
  ];
  const temporary = `${currentFile}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ root, build, inputs, identity, builtAt: Date.now() }));
  renameSync(temporary, currentFile);
  removeOldBuilds(build);
  builtFrom = identity;
  return join(outdir, 'cli.mjs');
}

/**
 * The identity of the sources this process runs (a build is made from them as it starts, or they run through
 * tsx): the build's recorded one, or the sources' own read now. `ITV_BUILD_IDENTITY` names another, for tests:
 * a control plane started by a command inherits it, as it would build from the same sources.
 */
export async function runningIdentity() {
  return process.env.ITV_BUILD_IDENTITY || builtFrom || (await sourcesIdentity(root));
}

/**
 * A hash of the sources under `folder` (SHA-256 of each file's path and bytes, in order; 16 hex digits): the
 * same for the same contents, whatever their modification times, so a source touched but unchanged, or a build
 * made again from the same sources, keeps it. About 40 ms for the ~500 files, read only by a build and by a
 * command that meets a control plane.
 */
export async function sourcesIdentity(folder = root) {
  // Loaded here: node:crypto takes a tenth of what `itv --help` may (see `checkoutTag`).
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  const add = (path) => {
    hash.update(`${path}\0`);
    hash.update(readFileSync(join(folder, path)));
    hash.update('\0');
  };
  const walk = (path) => {
    let entries;
    try {
      entries = readdirSync(join(folder, path), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const inner = `${path}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(inner);
      } else if (sourceFile.test(entry.name) && !entry.name.endsWith('.test.ts')) add(inner);
    }
  };
  for (const path of sourceFolders) walk(path);
  try {
    add('package-lock.json');
  } catch {
    // An install without a lock file: its sources alone.
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * A short tag for the checkout's path (FNV-1a, 32 bits, in hex). Not node:crypto, whose loading is a tenth of
 * what `itv --help` may take; a clash between two checkouts' paths would only make them share a build cache
 * whose builds each record the checkout they were made for, and are made again for the other.
 */
function checkoutTag(path) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

/** An esbuild plugin: the `external` packages are resolved from node_modules at run time; others are built in. */
function externalPackages(external) {
  return {
    name: 'external-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.startsWith('@')
          ? args.path.split('/').slice(0, 2).join('/')
          : args.path.split('/')[0];
        return external.includes(name) ? { path: args.path, external: true } : undefined;
      });
    },
  };
}

function currentBuild() {
  try {
    const {
      root: builtFor,
      build,
      inputs,
      identity,
      builtAt,
    } = JSON.parse(readFileSync(currentFile, 'utf8'));
    // A build an earlier itv made records no identity: made again.
    if (builtFor !== root || typeof identity !== 'string') return undefined;
    const entry = join(cacheDir, build, 'cli.mjs');
    statSync(entry);
    return inputs.every((input) => statSync(input).mtimeMs <= builtAt) ? { entry, identity } : undefined;
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

// `node bin/cli-bundle.js` (npm's `prepare`, run by `npm ci` and `npm install`): build ahead of time, so even
// the first command after installing starts at full speed. Nothing to build without esbuild is no failure.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const entry = await cliBundle();
  console.log(
    entry ? `itv CLI prebuilt: ${entry}` : 'itv CLI not prebuilt (no esbuild): it runs from its sources',
  );
}
