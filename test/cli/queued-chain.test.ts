import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

const example = (name: string) => join(root, 'examples', name);
const idOf = (stdout: string) => (JSON.parse(stdout) as { intentId: string }).intentId;

/**
 * A chain of queues: a change waits for its reviewer, a second is queued behind it, and a third is queued behind
 * the second. Nothing moves until the reviewer acts, so `itv submit` of the third stops where `itv submit` of the
 * second does, and it and `itv status` name the review at the end of the chain.
 */
describe('an intent queued behind one itself queued behind a review', () => {
  let home: string;
  let review: string;
  let middle: string;
  let last: Awaited<ReturnType<typeof runItv>>;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-queued-chain-'));
    const first = await runItv(home, [
      'submit',
      example('04-high-risk-review.json'),
      '--as',
      'victor',
      '--json',
    ]);
    expect(first.code).toBe(0);
    review = idOf(first.stdout);
    const second = await runItv(home, [
      'submit',
      example('10-schema-update-flag.json'),
      '--as',
      'alice',
      '--json',
    ]);
    expect(second.code).toBe(0);
    middle = idOf(second.stdout);
    // Should it follow on until the chain clears (a person's review away), it is stopped, and the test says so.
    const following = AbortSignal.timeout(intentsBudgetMs(1));
    last = await runItv(home, ['submit', example('12-finance-close.json'), '--as', 'quinn'], {
      signal: following,
    });
  }, intentsBudgetMs(4));
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test('itv submit stops with exit 0 and names each intent on the chain and the review that frees it', () => {
    expect(last.code).toBe(0);
    expect(last.stdout).toContain('status   admission.queued');
    expect(last.stdout).toContain(`behind ${middle} (admission.queued`);
    expect(last.stdout).toContain(`${middle} is queued for lane`);
    expect(last.stdout).toContain(`behind ${review} (awaiting-review`);
    expect(last.stdout).toContain(`  itv review ${review} --approve --as xavier`);
  });

  test(
    'itv status of it names the chain down to the review, as itv submit did',
    async () => {
      const id = /^(\S+) is queued for lane/m.exec(last.stdout)?.[1] ?? '';
      const run = await runItv(home, ['status', id]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`${id} is queued for lane`);
      expect(run.stdout).toContain(`${middle} is queued for lane`);
      expect(run.stdout).toContain(
        `${review} waits for a reviewer of record (xavier):\n  itv review ${review} --approve --as xavier`,
      );
    },
    setupMs,
  );
});
