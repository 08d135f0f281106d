import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What `new Worker` is given for a worker's module: the file to start, and the module it loads, if another. */
export interface WorkerModule {
  url: URL;
  workerData?: { entry: string };
}

const known = new Map<string, WorkerModule>();

/**
 * The module a worker thread starts from, for the worker `name` whose source is `source` (a `.ts` file beside
 * the caller, whose own URL is `callerUrl`).
 *
 * - In the CLI's build (`bin/cli-bundle.js`; the caller's URL is an `.mjs` file), each worker is an entry of the
 *   build of its own: `name.mjs` beside the caller's chunk.
 * - From the TypeScript sources (tests, benches, the CLI without its build), the worker's source is bundled with
 *   esbuild, packages left to node_modules, into `node_modules/.cache/itv/workers` under a name that is the
 *   digest of what was built (so processes and checkouts never overwrite each other's), and built again only
 *   when one of its sources has changed since: the worker then starts without compiling anything, where
 *   registering tsx in it costs half a second.
 * - Without esbuild, the worker registers tsx and loads its source (`worker-sources.mjs`).
 */
export function workerModule(name: string, source: URL, callerUrl: string): WorkerModule {
  if (!callerUrl.endsWith('.ts')) return { url: new URL(`./${name}.mjs`, callerUrl) };
  const found = known.get(source.href);
  if (found) return found;
  const module = bundled(name, source) ?? {
    url: new URL('./worker-sources.mjs', import.meta.url),
    workerData: { entry: source.href },
  };
  known.set(source.href, module);
  return module;
}

/** What this file uses of esbuild. */
interface Esbuild {
  buildSync(options: Record<string, unknown>): {
    outputFiles?: Array<{ text: string }>;
    metafile?: { inputs: Record<string, unknown> };
  };
}

/** A build's record: the file it wrote, and each source it was built from with its size and time of change. */
interface BuildRecord {
  file: string;
  inputs: Record<string, string>;
}

function bundled(name: string, source: URL): WorkerModule | undefined {
  const folder = fileURLToPath(new URL('../../../node_modules/.cache/itv/workers/', import.meta.url));
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  // One record per checkout: checkouts that share a node_modules (git worktrees) build from their own sources.
  const recordPath = join(folder, `${name}-${digest(root).slice(0, 12)}.json`);
  const current = readRecord(recordPath);
  if (current && existsSync(join(folder, current.file)) && unchanged(current.inputs)) {
    return { url: pathToFileURL(join(folder, current.file)) };
  }
  let esbuild: Esbuild;
  try {
    // The esbuild tsx (a dependency) compiles with: present wherever the sources can run at all.
    const here = createRequire(import.meta.url);
    esbuild = createRequire(here.resolve('tsx'))('esbuild') as Esbuild;
  } catch {
    return undefined;
  }
  const { outputFiles, metafile } = esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: [fileURLToPath(source)],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    sourcemap: 'inline',
    sourcesContent: false,
    logLevel: 'silent',
  });
  const code = outputFiles?.[0]?.text;
  if (code === undefined) return undefined;
  const file = `${name}-${digest(code).slice(0, 16)}.mjs`;
  mkdirSync(folder, { recursive: true });
  writeAtomically(join(folder, file), code);
  const inputs = Object.fromEntries(
    Object.keys(metafile?.inputs ?? {}).map((input) => [join(root, input), stamp(join(root, input))]),
  );
  writeAtomically(recordPath, JSON.stringify({ file, inputs } satisfies BuildRecord));
  return { url: pathToFileURL(join(folder, file)) };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function readRecord(path: string): BuildRecord | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as BuildRecord;
  } catch {
    return undefined;
  }
}

function unchanged(inputs: Record<string, string>): boolean {
  return Object.entries(inputs).every(([path, was]) => stamp(path) === was);
}

/** A source's size and time of change: what tells that it changed since a build. */
function stamp(path: string): string {
  try {
    const { size, mtimeMs } = statSync(path);
    return `${size}:${mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** Several processes may build at once: each writes a temporary file of its own, and the rename is atomic. */
function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}
