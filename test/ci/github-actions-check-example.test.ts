import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWorkflow, runWorkflowJob } from '../support/github-workflow.js';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

const workflow = readWorkflow('github-actions-check.yml');
const check = 'hipaa-audit-controls';

/**
 * examples/ci/github-actions-check.yml run against the local stack: a change is submitted before its check has
 * run, and its fail-fast gate waits for it; the job runs the check and reports it, which wakes the change, and
 * its Verify counts the result.
 */
describe('examples/ci/github-actions-check.yml, run against the local stack', () => {
  let home: string;
  const works: string[] = [];
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-gha-check-'));
  });
  afterAll(async () => {
    await runItv(home, ['control-plane', 'stop']);
    rmSync(home, { recursive: true, force: true });
    for (const work of works) rmSync(work, { recursive: true, force: true });
  }, setupMs);

  const job = async (command: string) => {
    const ran = await runWorkflowJob({
      workflow,
      job: 'check',
      home,
      principal: 'victor',
      env: { ITV_INTENT_ID: 'gha-second', ITV_CHECK: check },
      vars: { ITV_CHECK_COMMAND: command },
    });
    works.push(ran.work);
    return ran;
  };
  const statusOf = async (id: string) =>
    JSON.parse((await runItv(home, ['status', id, '--json'])).stdout || '{}') as { status?: string };

  test('asks for an OIDC token and reports with itv check report, linking the run', () => {
    expect(workflow.permissions['id-token']).toBe('write');
    const steps = workflow.jobs.check!.steps;
    expect(steps.map((step) => step.uses).filter(Boolean)).toEqual(
      expect.arrayContaining(['aws-actions/configure-aws-credentials@v4']),
    );
    expect(steps.find((step) => step.id === 'report')?.run).toMatch(/itv check report [\s\S]*--url /);
  });

  test(
    'a failing check is reported failed and fails the job; the change waiting for it is verified with it; a run after that is refused',
    async () => {
      // Prepare: victor's HIPAA change (a fail-fast tier), its check left to CI, submitted before CI has run it.
      const example = JSON.parse(readFileSync(join(root, 'examples', '04-high-risk-review.json'), 'utf8'));
      const { testResults: _attached, ...withoutResults } = example;
      const second = join(home, 'second.json');
      writeFileSync(
        second,
        JSON.stringify({ ...withoutResults, id: 'gha-second', title: 'Retention, CI-checked' }),
      );
      const submitted = await runItv(home, ['submit', second, '--as', 'victor']);
      const waiting = await statusOf('gha-second');

      // Act
      const failing = await job('echo "control AU-2 has no test"; exit 1');
      for (let i = 0; i < 600 && (await statusOf('gha-second')).status !== 'failed-verification'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const late = await job('echo all green');

      // Assess: `itv submit` stopped following where the change waits for CI, naming what to run.
      expect(submitted.code).toBe(0);
      expect(submitted.stdout).toContain(
        'itv check report gha-second hipaa-audit-controls --status passed|failed',
      );
      expect(waiting.status).toBe('awaiting-checks');
      expect(failing.ran.map((step) => [step.id, step.code])).toEqual([
        ['run', 0],
        ['report', 1],
      ]);
      expect(failing.passed).toBe(false);
      expect(failing.ran[1]!.output).toMatch(/recorded: hipaa-audit-controls failed for gha-second/);
      expect(failing.summary).toContain(`### itv: ${check} failed for gha-second`);
      const shown = JSON.parse((await runItv(home, ['status', 'gha-second', '--json'])).stdout) as {
        status: string;
        steps: Array<{ type: string }>;
      };
      expect(shown.status).toBe('failed-verification');
      expect(shown.steps.map((step) => step.type)).toEqual(
        expect.arrayContaining(['verification.awaiting-checks', 'check.reported', 'verification.failed']),
      );
      expect(late.ran.map((step) => [step.id, step.code])).toEqual([
        ['run', 0],
        ['report', 1],
      ]);
      expect(late.ran[1]!.output).toContain('CheckReportConflictError');
    },
    intentsBudgetMs(3),
  );
});
