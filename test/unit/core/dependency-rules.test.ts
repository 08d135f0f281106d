import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run depcheck` holds the repository to the rules in `.dependency-cruiser.cjs`. These cases run the same
 * command and configuration against small source trees, to show each rule fails on what it forbids and lets
 * the allowed imports through.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const depcruise = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const config = path.join(root, '.dependency-cruiser.cjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

let tree: string;

beforeEach(() => {
  tree = mkdtempSync(path.join(tmpdir(), 'itv-depcheck-'));
  symlinkSync(path.join(root, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
  writeFileSync(
    path.join(tree, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
  );
});

afterEach(() => {
  rmSync(tree, { recursive: true, force: true });
});

function write(files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
    writeFileSync(path.join(tree, file), text);
  }
}

const cruise = (outputType: 'err' | 'json', folders = ['lambdas']) =>
  spawnSync(process.execPath, [depcruise, '--config', config, '--output-type', outputType, ...folders], {
    cwd: tree,
    encoding: 'utf8',
  });

/** The violations the configuration finds in the tree, as `rule: from → to`. */
function violations(folders?: string[]): string[] {
  const result = JSON.parse(cruise('json', folders).stdout) as { summary: { violations: Violation[] } };
  // node_modules is a link in some checkouts: name a package by its path inside node_modules.
  const named = (to: string) => to.replace(/^.*node_modules\//, 'node_modules/');
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${named(v.to)}`).sort();
}

/** The exit status of the check as `npm run depcheck` runs it: the number of errors found. */
const depcheckStatus = () => cruise('err').status;

describe('the dependency rule check', () => {
  test('passes a core that imports itself, port types, zod and node builtins, under adapters and wiring', () => {
    // Prepare
    write({
      'lambdas/ports/clock.ts':
        "import type { Instant } from '../core/time.js';\nexport interface Clock { now(): Instant }\n",
      'lambdas/core/time.ts':
        "import * as z from 'zod';\nexport const instant = z.string();\nexport type Instant = string;\n",
      'lambdas/core/ledger/hash.ts':
        "import { createHash } from 'node:crypto';\nexport const h = createHash;\n",
      'lambdas/core/pipeline/stamp.ts':
        "import type { Clock } from '../../ports/clock.js';\nimport { h } from '../ledger/hash.js';\nexport const stamp = (c: Clock) => [c.now(), h];\n",
      'lambdas/adapters/system-clock.ts':
        "import type { Clock } from '../ports/clock.js';\nexport const clock: Clock = { now: () => '' };\n",
      'lambdas/wiring/local/stack.ts':
        "import { clock } from '../../adapters/system-clock.js';\nimport { stamp } from '../../core/pipeline/stamp.js';\nexport const s = stamp(clock);\n",
    });
    // Act
    const found = violations();
    // Assess
    expect(found).toEqual([]);
  });

  test('fails on an upward import, a domain rule importing a use case, a port loaded for its values, an AWS SDK in the core and a simulator on Lambda', () => {
    // Prepare
    write({
      'lambdas/ports/store.ts': "import { limit } from '../core/limit.js';\nexport const max = limit;\n",
      'lambdas/core/limit.ts':
        "import { wired } from '../wiring/aws/deps.js';\nexport const limit = wired;\n",
      'lambdas/core/admission/occupancy.ts':
        "import { key } from '../pipeline/keys.js';\nexport const k = key;\n",
      'lambdas/core/pipeline/keys.ts':
        "import { max } from '../../ports/store.js';\nexport const key = max;\n",
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
    });
    // Act
    const found = violations();
    // Assess
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
    expect(depcheckStatus()).toBe(found.length);
  });

  test('fails on a cycle, even one of type imports', () => {
    // Prepare
    write({
      'lambdas/core/catalog.ts':
        "import type { Ref } from './references.js';\nexport interface Catalog { refs: Ref[] }\n",
      'lambdas/core/references.ts':
        "import type { Catalog } from './catalog.js';\nexport type Ref = keyof Catalog;\n",
    });
    // Act
    const found = violations();
    // Assess
    expect(found).toEqual(['no-circular: lambdas/core/catalog.ts → lambdas/core/references.ts']);
  });

  test('fails when the CLI or a function loads a dev dependency, or reaches the CDK through any chain', () => {
    // Prepare
    write({
      'package.json': JSON.stringify({
        name: 'tree',
        type: 'module',
        dependencies: { zod: '*' },
        devDependencies: { 'aws-cdk-lib': '*', 'fast-check': '*' },
      }),
      'cli/main.ts': "import { states } from '../statemachines/pipeline.js';\nexport const s = states;\n",
      'statemachines/pipeline.ts':
        "import { Duration } from 'aws-cdk-lib';\nexport const states = Duration;\n",
      'lambdas/wiring/local/seed.ts': "import * as fc from 'fast-check';\nexport const seed = fc;\n",
    });
    // Act
    const found = violations(['cli', 'lambdas']);
    // Assess
    expect(found).toEqual([
      'runtime-never-reaches-the-cdk: cli/main.ts → node_modules/aws-cdk-lib/index.js',
      'runtime-without-dev-dependencies: lambdas/wiring/local/seed.ts → node_modules/fast-check/lib/cjs/fast-check.d.ts',
    ]);
  });
});
