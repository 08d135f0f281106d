import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../catalog/index.js';
import { demoStartInstant } from '../../cli/demo-clock.js';
import { intentSchema } from '../../lambdas/core/intent.js';
import { type LocalStack, openLocalStack } from '../../lambdas/wiring/local/local-stack.js';

/**
 * For each test of the `describe` it is called in: an in-memory local stack in a home of its own (named from
 * `prefix`), its clock at the first instant from 2026-11-03T14:00Z at which `intents` are all admitted (as the
 * demo picks it); closed and its home removed after the test. Read `.stack` inside the test.
 */
export function stackForEachTest(prefix: string, intents: readonly unknown[]): { stack: LocalStack } {
  const current = {} as { stack: LocalStack };
  let home = '';
  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), prefix));
    const start = demoStartInstant(
      new Date('2026-11-03T14:00:00Z'),
      intents.map((intent) => intentSchema.parse(intent)),
      loadCatalog(),
    );
    current.stack = await openLocalStack({ home, inMemory: true, clockStart: start });
  });
  afterEach(async () => {
    await current.stack.close();
    rmSync(home, { recursive: true, force: true });
  });
  return current;
}
