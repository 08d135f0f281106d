import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/**
 * `itv validate` judges a change as if it were new; one the ledger already holds is answered by `itv submit`, not
 * started again, and validate says so rather than read as a promise that submit will release it.
 */
describe('itv validate of an intent already submitted', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-validate-known-'));
  });
  afterAll(async () => {
    await runItv(home, ['control-plane', 'stop']);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'says nothing of it before the submission, and after it names the intent, its status and what submit does',
    async () => {
      // Prepare
      const file = join(root, 'examples', '01-low-risk-flag.json');

      // Act
      const before = await runItv(home, ['validate', file, '--as', 'alice']);
      const submitted = await runItv(home, ['submit', file, '--as', 'alice', '--json']);
      const after = await runItv(home, ['validate', file, '--as', 'alice']);

      // Assess
      expect(before.code).toBe(0);
      expect(before.stdout).not.toContain('already');
      expect(submitted.code).toBe(0);
      const { intentId } = JSON.parse(submitted.stdout) as { intentId: string };
      expect(after.code).toBe(0);
      expect(after.stdout).toContain(
        `already      submitted: intent ${intentId} is on the ledger (released); itv submit answers it as a duplicate and starts nothing, unless it ended without releasing, when submit starts its next attempt`,
      );
    },
    intentsBudgetMs(1),
  );
});
