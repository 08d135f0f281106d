import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/** `itv check report` as CI runs it, against the home's control plane. */
describe('itv check report', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-check-report-'));
  });
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  const statusOf = async (id: string) =>
    JSON.parse((await runItv(home, ['status', id, '--json'])).stdout) as { status: string };

  test(
    'reports a check for a change queued behind one waiting for CI; its Verify counts it and `itv submit` exits 2',
    async () => {
      // Prepare: victor's HIPAA change, its check left to CI, waits for that result holding its lane; a second
      // one, its check left to CI too, queues behind it.
      const example = JSON.parse(readFileSync(join(root, 'examples', '04-high-risk-review.json'), 'utf8'));
      const { testResults: _attached, ...withoutResults } = example;
      const first = join(home, 'first.json');
      const second = join(home, 'second.json');
      writeFileSync(first, JSON.stringify({ ...withoutResults, id: 'cli-first' }));
      writeFileSync(
        second,
        JSON.stringify({ ...withoutResults, id: 'cli-second', title: 'Retention, CI-checked' }),
      );
      expect((await runItv(home, ['submit', first, '--as', 'victor'])).code).toBe(0);
      // --wait: without it, `itv submit` stops where the change queues behind one waiting for CI.
      const following = runItv(home, ['submit', second, '--as', 'victor', '--wait']);
      for (let i = 0; i < 600; i++) {
        if ((await statusOf('cli-second').catch(() => ({ status: '' }))).status === 'admission.queued') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const report = (...args: string[]) =>
        runItv(home, ['check', 'report', 'cli-second', 'hipaa-audit-controls', ...args]);

      // Act
      const badStatus = await report('--status', 'green', '--as', 'victor');
      const notAllowed = await report('--status', 'passed', '--as', 'ci-sre');
      const reported = await report('--status', 'failed', '--detail', 'AU-2 untested', '--as', 'victor');
      const again = await report(
        '--status',
        'failed',
        '--detail',
        'AU-2 untested',
        '--as',
        'victor',
        '--json',
      );
      const rerun = await report('--status', 'failed', '--as', 'victor');
      const other = await report('--status', 'passed', '--as', 'victor');
      const queued = await statusOf('cli-second');
      // The first's check passes: it goes on to wait for its reviewer, giving its lane up to the second.
      const freed = await runItv(home, [
        'check',
        'report',
        'cli-first',
        'hipaa-audit-controls',
        '--status',
        'passed',
        '--as',
        'victor',
      ]);
      const submitted = await following;

      // Assess
      expect(badStatus.code).toBe(1);
      expect(badStatus.stderr).toContain('--status: must be passed or failed, not "green"');
      expect(notAllowed.code).toBe(1);
      expect(notAllowed.stderr).toContain('NotACheckReporterError');
      expect([reported.code, reported.stderr]).toEqual([0, '']);
      expect(reported.stdout).toMatch(
        /recorded: hipaa-audit-controls failed for cli-second, reported by victor \(requester\) at seq \d+/,
      );
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ check: 'hipaa-audit-controls', repeated: true });
      expect([rerun.code, rerun.stderr]).toEqual([0, '']);
      expect(rerun.stdout).toMatch(
        /already recorded: hipaa-audit-controls failed for cli-second, reported by victor \(requester\) at seq \d+ \(the first report's detail is kept; this report's differs\)/,
      );
      expect(other.code).toBe(1);
      expect(other.stderr).toContain('CheckReportConflictError');
      expect(queued.status).toBe('admission.queued');
      expect(freed.code).toBe(0);
      expect(submitted.code).toBe(2);
      expect(submitted.stdout).toContain('verification.failed');
      expect((await statusOf('cli-second')).status).toBe('failed-verification');
      expect((await statusOf('cli-first')).status).toBe('awaiting-review');
    },
    intentsBudgetMs(3),
  );
});
