import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runItv } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

/**
 * `itv demo --in-memory` keeps its tables and evidence in memory: what it verified is gone when it ends, so it does
 * not send the user to pull a bundle that nothing holds any more.
 */
describe('itv demo --in-memory', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-demo-in-memory-'));
  });
  afterEach(async () => {
    await runItv(home, ['control-plane', 'stop']);
    rmSync(home, { recursive: true, force: true });
  });

  test(
    'verifies its bundles, says they were kept in memory for the run, and leaves no evidence in the home',
    async () => {
      // Act
      const demo = await runItv(home, ['demo', '--in-memory']);

      // Assess
      expect([demo.code, demo.stderr]).toEqual([0, '']);
      expect(demo.stdout).toMatch(/evidence bundles verified under the stack's key: (\d+)\/\1 /);
      expect(demo.stdout).toContain('kept in memory for this run only');
      expect(demo.stdout).not.toContain('itv evidence pull ID, then');
      expect(readdirSync(home)).not.toContain('evidence');
    },
    setupMs * 4,
  );
});
