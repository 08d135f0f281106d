import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';

/**
 * Runs `build` on a bare stack for a test that builds a construct alone, in an app whose cloud assembly goes to a
 * temporary folder of its own, removed when `build` returns or throws. `new Stack()` would make an app whose
 * `cdk.out…` folder stays in the system's temporary folder after every run.
 */
export function withScratchStack<T>(build: (stack: Stack) => T): T {
  const outdir = mkdtempSync(join(tmpdir(), 'itv-scratch-stack-'));
  try {
    return build(new Stack(new App({ outdir }), 'Scratch'));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
