import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run depcheck` holds the repository to the rules in `.dependency-cruiser.cjs`. These cases run the same
 * command line and configuration against small source trees, to show each rule fails on what it forbids and lets
 * the allowed imports through. The trees are cruised in one process (`test/support/cruise-trees.mjs`), each from
 * its own folder as `npm run depcheck` runs from the root.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const config = path.join(root, '.dependency-cruiser.cjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

type Tree = Record<string, string>;

/** A core, its ports, an adapter and a composition root that keep every rule. */
const allowed: Tree = {
  'lambdas/ports/clock.ts':
    "import type { Instant } from '../core/time.js';\nexport interface Clock { now(): Instant }\n",
  'lambdas/core/time.ts':
    "import * as z from 'zod';\nexport const instant = z.string();\nexport type Instant = string;\n",
  'lambdas/core/ledger/hash.ts': "import { createHash } from 'node:crypto';\nexport const h = createHash;\n",
  'lambdas/core/pipeline/stamp.ts':
    "import type { Clock } from '../../ports/clock.js';\nimport { h } from '../ledger/hash.js';\nexport const stamp = (c: Clock) => [c.now(), h];\n",
  'lambdas/adapters/system-clock.ts':
    "import type { Clock } from '../ports/clock.js';\nexport const clock: Clock = { now: () => '' };\n",
  'lambdas/wiring/local/stack.ts':
    "import { clock } from '../../adapters/system-clock.js';\nimport { stamp } from '../../core/pipeline/stamp.js';\nexport const s = stamp(clock);\n",
};

/** One breach of each layering rule. */
const forbidden: Tree = {
  'lambdas/ports/store.ts': "import { limit } from '../core/limit.js';\nexport const max = limit;\n",
  'lambdas/core/limit.ts': "import { wired } from '../wiring/aws/deps.js';\nexport const limit = wired;\n",
  'lambdas/core/admission/occupancy.ts':
    "import { key } from '../pipeline/keys.js';\nexport const k = key;\n",
  'lambdas/core/pipeline/keys.ts': "import { max } from '../../ports/store.js';\nexport const key = max;\n",
  'lambdas/core/evidence/upload.ts':
    "import { S3Client } from '@aws-sdk/client-s3';\nexport const c = S3Client;\n",
  'lambdas/wiring/aws/deps.ts': 'export const wired = 1;\n',
  'lambdas/adapters/s3.ts': "import { wired } from '../wiring/aws/deps.js';\nexport const w = wired;\n",
  'lambdas/adapters/local/simulator.ts': 'export const simulated = 1;\n',
  'lambdas/wiring/aws/runtime.ts':
    "import { simulated } from '../../adapters/local/simulator.js';\nexport const r = simulated;\n",
  'lambdas/wiring/local/stack.ts':
    "import { home } from '../../../cli/session.js';\nexport const h = home;\n",
  'cli/session.ts': "export const home = '.itv';\n",
};

/** Two core modules that import each other's types. */
const cycle: Tree = {
  'lambdas/core/catalog.ts':
    "import type { Ref } from './references.js';\nexport interface Catalog { refs: Ref[] }\n",
  'lambdas/core/references.ts':
    "import type { Catalog } from './catalog.js';\nexport type Ref = keyof Catalog;\n",
};

/** A dev dependency loaded by a function, and the CDK reached from the CLI through the state machine. */
const devDependencies: Tree = {
  'package.json': JSON.stringify({
    name: 'tree',
    type: 'module',
    dependencies: { zod: '*' },
    devDependencies: { 'aws-cdk-lib': '*', 'fast-check': '*' },
  }),
  'cli/main.ts': "import { states } from '../statemachines/pipeline.js';\nexport const s = states;\n",
  'statemachines/pipeline.ts': "import { Duration } from 'aws-cdk-lib';\nexport const states = Duration;\n",
  'lambdas/wiring/local/seed.ts': "import * as fc from 'fast-check';\nexport const seed = fc;\n",
};

interface Cruise {
  tree: Tree;
  folders: string[];
  outputType: 'json' | 'err';
}

const cruises = {
  allowed: { tree: allowed, folders: ['lambdas'], outputType: 'json' },
  forbidden: { tree: forbidden, folders: ['lambdas'], outputType: 'json' },
  forbiddenAsDepcheck: { tree: forbidden, folders: ['lambdas'], outputType: 'err' },
  cycle: { tree: cycle, folders: ['lambdas'], outputType: 'json' },
  devDependencies: { tree: devDependencies, folders: ['cli', 'lambdas'], outputType: 'json' },
} satisfies Record<string, Cruise>;

let folder: string;
const results = new Map<keyof typeof cruises, { status: number; output: string }>();

/** Each tree in a folder of its own, beside the repository's packages, with a TypeScript configuration. */
function writeTree(name: string, tree: Tree): string {
  const base = path.join(folder, name);
  mkdirSync(base);
  symlinkSync(path.join(root, 'node_modules'), path.join(base, 'node_modules'), 'dir');
  writeFileSync(
    path.join(base, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
  );
  for (const [file, text] of Object.entries(tree)) {
    mkdirSync(path.dirname(path.join(base, file)), { recursive: true });
    writeFileSync(path.join(base, file), text);
  }
  return base;
}

beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'itv-depcheck-'));
  const trees = new Map<Tree, string>();
  const names = Object.keys(cruises) as Array<keyof typeof cruises>;
  const request = names.map((name) => {
    const { tree, folders, outputType } = cruises[name] as Cruise;
    if (!trees.has(tree)) trees.set(tree, writeTree(name, tree));
    return { tree: trees.get(tree), folders, outputType, outputTo: path.join(folder, `${name}.out`) };
  });
  writeFileSync(path.join(folder, 'request.json'), JSON.stringify(request));
  const run = spawnSync(
    process.execPath,
    [path.join(root, 'test/support/cruise-trees.mjs'), config, path.join(folder, 'request.json')],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`cruise-trees failed (${run.status}): ${run.stderr}`);
  const statuses = JSON.parse(run.stdout) as number[];
  names.forEach((name, i) => {
    results.set(name, {
      status: statuses[i]!,
      output: readFileSync(path.join(folder, `${name}.out`), 'utf8'),
    });
  });
}, 60_000);

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** The violations the configuration found in a tree, as `rule: from → to`. */
function violations(name: keyof typeof cruises): string[] {
  const result = JSON.parse(results.get(name)!.output) as { summary: { violations: Violation[] } };
  // node_modules is a link: name a package by its path inside node_modules.
  const named = (to: string) => to.replace(/^.*node_modules\//, 'node_modules/');
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${named(v.to)}`).sort();
}

describe('the dependency rule check', () => {
  test('passes a core that imports itself, port types, zod and node builtins, under adapters and wiring', () => {
    expect(violations('allowed')).toEqual([]);
    expect(results.get('allowed')!.status).toBe(0);
  });

  test('fails on an upward import, a domain rule importing a use case, a port loaded for its values, an AWS SDK in the core and a simulator on Lambda', () => {
    const found = violations('forbidden');
    expect(found).toEqual([
      'adapters-below-entry-points: lambdas/adapters/s3.ts → lambdas/wiring/aws/deps.ts',
      'aws-entry-points-never-load-the-simulators: lambdas/wiring/aws/runtime.ts → lambdas/adapters/local/simulator.ts',
      'core-is-pure: lambdas/core/evidence/upload.ts → node_modules/@aws-sdk/client-s3/dist-cjs/index.js',
      'core-is-pure: lambdas/core/limit.ts → lambdas/wiring/aws/deps.ts',
      'core-uses-ports-as-types: lambdas/core/pipeline/keys.ts → lambdas/ports/store.ts',
      'domain-below-use-cases: lambdas/core/admission/occupancy.ts → lambdas/core/pipeline/keys.ts',
      'lambdas-below-the-cli-and-stack: lambdas/wiring/local/stack.ts → cli/session.ts',
      'ports-import-types-only: lambdas/ports/store.ts → lambdas/core/limit.ts',
    ]);
    // As `npm run depcheck` reports them: one line each, and the number of errors as the exit status.
    const reported = results.get('forbiddenAsDepcheck')!;
    expect(reported.status).toBe(found.length);
    expect(reported.output).toContain(`${found.length} dependency violations`);
  });

  test('fails on a cycle, even one of type imports', () => {
    expect(violations('cycle')).toEqual([
      'no-circular: lambdas/core/catalog.ts → lambdas/core/references.ts',
    ]);
  });

  test('fails when the CLI or a function loads a dev dependency, or reaches the CDK through any chain', () => {
    expect(violations('devDependencies')).toEqual([
      'runtime-never-reaches-the-cdk: cli/main.ts → node_modules/aws-cdk-lib/index.js',
      'runtime-without-dev-dependencies: lambdas/wiring/local/seed.ts → node_modules/fast-check/lib/cjs/fast-check.d.ts',
    ]);
  });
});
