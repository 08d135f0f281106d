import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/**
 * `itv status` of an intent queued for its lane says what it is queued behind and what that one waits for — here
 * the intent holding the lane, waiting for its reviewer of record — as `itv submit` says where it stops; and
 * `itv submit` stops there (without --wait), as it stops where its own change waits for a person.
 */
describe('itv status of a queued intent', () => {
  let home: string;
  let holder: string;
  let submitted: Awaited<ReturnType<typeof runItv>>;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-status-queued-'));
    const review = join(root, 'examples', '04-high-risk-review.json');
    const held = await runItv(home, ['submit', review, '--as', 'victor', '--json']);
    expect(held.code).toBe(0);
    holder = (JSON.parse(held.stdout) as { intentId: string }).intentId;
    // A second change of the same lane queues behind it.
    const second = join(home, 'second.json');
    const intent = JSON.parse(readFileSync(review, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      second,
      JSON.stringify({ ...intent, id: 'queued-second', title: 'A second access change' }),
    );
    // Should it follow on until the lane frees (a person's review away), it is stopped, and the test says so.
    const following = AbortSignal.timeout(intentsBudgetMs(1));
    submitted = await runItv(home, ['submit', second, '--as', 'victor'], { signal: following });
  }, intentsBudgetMs(3));
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test('itv submit stops where the queued change waits on a person, saying whom and how to move it on', () => {
    expect(submitted.code).toBe(0);
    expect(submitted.stdout).toContain('status   admission.queued');
    expect(submitted.stdout).toContain(
      `queued-second is queued for lane patient-records-prod behind ${holder} (awaiting-review, same lane)`,
    );
    expect(submitted.stdout).toContain(`  itv review ${holder} --approve --as xavier`);
  });

  test(
    'names the intent holding its lane, that it awaits review, by whom, and the command that frees it',
    async () => {
      // Act
      const run = await runItv(home, ['status', 'queued-second']);
      // Assess
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('status   admission.queued');
      expect(run.stdout).toContain(
        `queued-second is queued for lane patient-records-prod behind ${holder} (awaiting-review, same lane); it is admitted on its own once that one ends:\n${holder} waits for a reviewer of record (xavier):\n  itv review ${holder} --approve --as xavier`,
      );
    },
    setupMs,
  );
});
