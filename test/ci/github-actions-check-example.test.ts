import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWorkflow, runWorkflowJob } from '../support/github-workflow.js';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

const workflow = readWorkflow('github-actions-check.yml');
const check = 'hipaa-audit-controls';

/**
 * examples/ci/github-actions-check.yml run against the local stack: the check a change queued behind a review
 * names is run and reported by the job; the change's Verify counts it once the lane frees.
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
    'a failing check is reported failed and fails the job; the queued change is verified with it; a run after that is refused',
    async () => {
      // Prepare: victor's HIPAA change parks for its reviewer; a second one, its check left to CI, queues behind.
      const example = JSON.parse(readFileSync(join(root, 'examples', '04-high-risk-review.json'), 'utf8'));
      const { testResults: _attached, ...withoutResults } = example;
      const first = join(home, 'first.json');
      const second = join(home, 'second.json');
      writeFileSync(first, JSON.stringify({ ...example, id: 'gha-first' }));
      writeFileSync(
        second,
        JSON.stringify({ ...withoutResults, id: 'gha-second', title: 'Retention, CI-checked' }),
      );
      expect((await runItv(home, ['submit', first, '--as', 'victor'])).code).toBe(0);
      const following = runItv(home, ['submit', second, '--as', 'victor']);
      for (let i = 0; i < 600 && (await statusOf('gha-second')).status !== 'admission.queued'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      // Act
      const failing = await job('echo "control AU-2 has no test"; exit 1');
      await runItv(home, ['review', 'gha-first', '--approve', '--as', 'xavier']);
      await following;
      const late = await job('echo all green');

      // Assess
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
      expect(shown.steps.map((step) => step.type)).toContain('check.reported');
      expect(late.ran.map((step) => [step.id, step.code])).toEqual([
        ['run', 0],
        ['report', 1],
      ]);
      expect(late.ran[1]!.output).toContain('CheckReportConflictError');
    },
    intentsBudgetMs(3),
  );
});
