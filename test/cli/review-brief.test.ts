import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/** `itv review ID` without a decision: what the reviewer is asked to decide, read before deciding it. */
describe('itv review without --approve or --reject', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-review-brief-'));
  });
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'prints the change to be decided and how to decide it; --json prints the declared intent; status names the change',
    async () => {
      // Prepare: quinn's SOX change parks for its reviewer of record.
      const file = join(root, 'examples', '12-finance-close.json');
      const submitted = await runItv(home, ['submit', file, '--as', 'quinn', '--json']);
      expect(submitted.code).toBe(0);
      const { intentId } = JSON.parse(submitted.stdout) as { intentId: string };

      // Act
      const brief = await runItv(home, ['review', intentId]);
      const json = await runItv(home, ['review', intentId, '--json']);
      const status = await runItv(home, ['status', intentId]);

      // Assess
      expect([brief.code, brief.stderr]).toEqual([0, '']);
      for (const line of [
        `intent   ${intentId}  Tighten the reconciliation tolerance to $50`,
        'requester  quinn',
        'goal     Fewer late adjustments in the audit packet (metric post-close-adjustments, target 2)',
        'value    risk-reduced: $240,000.00 over 1 year, 9 employees',
        'constraints  reversible; on regression freeze; checks close-checklist-dry-run',
        'change   ledger-close/close-checklist@1.0.0 (configuration)',
        '  "reconciliationToleranceUsd": 50,',
        'test     close-checklist-dry-run passed: close-checklist-dry-run: all cases passed in CI',
      ]) {
        expect(brief.stdout).toContain(line);
      }
      expect(brief.stdout).toMatch(/reviewers? +\S/);
      expect(brief.stdout.trimEnd().split('\n').at(-1)).toBe(
        `to decide, run again with --approve or --reject (and --reason TEXT): itv review ${intentId} --approve --reason TEXT`,
      );
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({
        title: 'Tighten the reconciliation tolerance to $50',
        change: { payload: { reconciliationToleranceUsd: 50 } },
      });
      expect(status.code).toBe(0);
      expect(status.stdout).toContain('change   ledger-close/close-checklist@1.0.0 (configuration)\n');
      expect(status.stdout).not.toContain('reconciliationToleranceUsd');
    },
    intentsBudgetMs(1),
  );
});
