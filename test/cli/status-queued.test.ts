import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/**
 * `itv status` of an intent queued for its lane says what it is queued behind and what that one waits for — here
 * the intent holding the lane, its fail-fast gate waiting for CI's check result — as `itv submit` says where it
 * stops; and `itv submit` stops there (without --wait), as it stops where its own change waits for a person. A
 * change waiting for its reviewer holds no lane, so the holder is one whose check CI has not reported yet.
 */
describe('itv status of a queued intent', () => {
  let home: string;
  const holder = 'held-for-checks';
  let submitted: Awaited<ReturnType<typeof runItv>>;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-status-queued-'));
    const review = join(root, 'examples', '04-high-risk-review.json');
    const intent = JSON.parse(readFileSync(review, 'utf8')) as Record<string, unknown>;
    // victor's HIPAA change without its attached check result: its gate waits for CI, holding the lane.
    const { testResults: _attached, ...withoutResults } = intent;
    const first = join(home, 'first.json');
    writeFileSync(first, JSON.stringify({ ...withoutResults, id: holder }));
    const held = await runItv(home, ['submit', first, '--as', 'victor']);
    expect(held.code).toBe(0);
    expect(held.stdout).toContain('status   awaiting-checks');
    // A second change of the same lane queues behind it.
    const second = join(home, 'second.json');
    writeFileSync(
      second,
      JSON.stringify({ ...intent, id: 'queued-second', title: 'A second access change' }),
    );
    // Should it follow on until the lane frees (CI's report away), it is stopped, and the test says so.
    const following = AbortSignal.timeout(intentsBudgetMs(1));
    submitted = await runItv(home, ['submit', second, '--as', 'victor'], { signal: following });
  }, intentsBudgetMs(3));
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  /** What `itv submit` and `itv status` print of the queued intent: its holder, and who frees that one how. */
  const queuedBehindChecks = new RegExp(
    [
      `queued-second is queued for lane patient-records-prod behind ${holder} \\(awaiting-checks, same lane\\); it is admitted on its own once that one ends or gives its place up:`,
      `${holder} waits until \\S+Z for CI's result of hipaa-audit-controls; CI, its requester \\(victor\\) or an owner of patient-records reports it:`,
      `  itv check report ${holder} hipaa-audit-controls --status passed\\|failed --as victor`,
    ].join('\n'),
  );

  test('itv submit stops where the queued change waits on CI, saying who reports and how', () => {
    expect(submitted.code).toBe(0);
    expect(submitted.stdout).toContain('status   admission.queued');
    expect(submitted.stdout).toMatch(queuedBehindChecks);
  });

  test(
    'names the intent holding its lane, that it awaits a check, who reports it, and the command that frees it',
    async () => {
      // Act
      const run = await runItv(home, ['status', 'queued-second']);
      // Assess
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('status   admission.queued');
      expect(run.stdout).toMatch(queuedBehindChecks);
    },
    setupMs,
  );

  test(
    'once the check is reported, the holder waits for its reviewer holding no lane, and the queued one is admitted',
    async () => {
      // Act: the requester reports the check the holder waits for, as the hint says.
      const reported = await runItv(home, [
        'check',
        'report',
        holder,
        'hipaa-audit-controls',
        '--status',
        'passed',
        '--as',
        'victor',
      ]);
      const statusOf = async (id: string) =>
        JSON.parse((await runItv(home, ['status', id, '--json'])).stdout) as { status: string };
      for (let i = 0; i < 300 && (await statusOf('queued-second')).status !== 'awaiting-review'; i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const run = await runItv(home, ['status', 'queued-second']);
      // Assess: both wait for their reviewer now, neither holding the lane.
      expect(reported.code).toBe(0);
      expect((await statusOf(holder)).status).toBe('awaiting-review');
      expect(run.stdout).toContain('status   awaiting-review');
      expect(run.stdout).toContain(
        'queued-second waits for a reviewer of record (xavier):\n  itv review queued-second --approve --as xavier',
      );
    },
    intentsBudgetMs(1),
  );
});
