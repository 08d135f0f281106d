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
      // Submitted again, as text: the same intent, followed to where it waits, its status closing the answer.
      const again = await runItv(home, ['submit', file, '--as', 'quinn']);

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
      // Nobody named: the hint names its one reviewer of record, as submit's does.
      expect(brief.stdout.trimEnd().split('\n').at(-1)).toBe(
        `to decide, run again with --approve or --reject (and --reason TEXT): itv review ${intentId} --approve --as yara --reason TEXT`,
      );
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({
        title: 'Tighten the reconciliation tolerance to $50',
        change: { payload: { reconciliationToleranceUsd: 50 } },
      });
      expect(status.code).toBe(0);
      expect(status.stdout).toContain('change   ledger-close/close-checklist@1.0.0 (configuration)\n');
      expect(status.stdout).not.toContain('reconciliationToleranceUsd');
      // The declared value per hour, in flight, where `itv submit` closes as `itv status` reads (the model's
      // $240,000 over a year is $27.40 an hour; nine employees, $3.04 each).
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(`intent ${intentId} was already submitted; its status:`);
      expect(status.stdout).toContain('value per hour $27.40, $3.04 per employee — declared\n');
      expect(again.stdout).toContain('value per hour $27.40, $3.04 per employee — declared\n');
    },
    intentsBudgetMs(1),
  );

  test(
    'the command the brief ends with names the principal the reviewer acts as, and decides the review pasted as it is',
    async () => {
      // Prepare
      const file = join(root, 'examples', '12-finance-close.json');
      const submitted = await runItv(home, ['submit', file, '--as', 'quinn', '--json']);
      expect(submitted.code).toBe(0);
      const { intentId } = JSON.parse(submitted.stdout) as { intentId: string };
      const hint = (run: { stdout: string }) => {
        const last = run.stdout.trimEnd().split('\n').at(-1) ?? '';
        return last.slice(last.indexOf(': itv ') + ': itv '.length);
      };

      // Act
      const asReviewer = await runItv(home, ['review', intentId, '--as', 'yara']);
      const byVariable = await runItv(home, ['review', intentId], { env: { ITV_PRINCIPAL: 'yara' } });
      const asRequester = await runItv(home, ['review', intentId, '--as', 'quinn']);
      const pasted = await runItv(home, hint(asReviewer).split(' '));

      // Assess
      expect(hint(asReviewer)).toBe(`review ${intentId} --approve --as yara --reason TEXT`);
      expect(hint(byVariable)).toBe(`review ${intentId} --approve --as yara --reason TEXT`);
      // quinn may not decide the change quinn asked for: the hint names who may.
      expect(asRequester.stdout).toContain('quinn is not a reviewer of record of it');
      expect(hint(asRequester)).toBe(`review ${intentId} --approve --as yara --reason TEXT`);
      expect([pasted.code, pasted.stderr]).toEqual([0, '']);
      expect(pasted.stdout).toContain('released');
    },
    intentsBudgetMs(2),
  );
});
