import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWorkflow, runWorkflowJob } from '../support/github-workflow.js';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

const workflow = readWorkflow('github-actions.yml');
const steps = workflow.jobs.release!.steps;

/** Runs the workflow's job on the local stack: each `run:` step in bash, `itv` the checkout's. */
const runJob = (home: string, intent: string, principal: string) =>
  runWorkflowJob({ workflow, job: 'release', home, principal, env: { ITV_INTENT: intent } });

describe('examples/ci/github-actions.yml, run against the local stack', () => {
  let home: string;
  const works: string[] = [];
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-gha-'));
  });
  afterAll(async () => {
    await runItv(home, ['control-plane', 'stop']);
    rmSync(home, { recursive: true, force: true });
    for (const work of works) rmSync(work, { recursive: true, force: true });
  }, setupMs);

  test('asks for an OIDC token, assumes the CI role and installs, points and submits with itv', () => {
    expect(workflow.permissions['id-token']).toBe('write');
    const uses = steps.map((step) => step.uses).filter(Boolean);
    expect(uses).toEqual(expect.arrayContaining(['aws-actions/configure-aws-credentials@v4']));
    expect(steps.find((step) => step.id === 'context')?.run).toMatch(/itv context add ci --stack/);
    expect(steps.map((step) => step.id)).toEqual(expect.arrayContaining(['submit', 'outcome', 'evidence']));
  });

  test(
    'an approvable intent: the job passes, and its evidence is pulled, verified and linked',
    async () => {
      const job = await runJob(home, join(root, 'examples', '01-low-risk-flag.json'), 'alice');
      works.push(job.work);
      expect(job.ran.map((step) => [step.id, step.code])).toEqual([
        ['submit', 0],
        ['outcome', 0],
        ['evidence', 0],
      ]);
      expect(job.passed).toBe(true);
      expect(job.outputs.outcome).toMatchObject({ status: 'released' });
      const id = job.outputs.submit!['intent-id']!;
      expect(job.summary).toContain(`### itv: ${id} — released`);
      expect(existsSync(join(job.work, 'evidence', 'manifest.intoto.json'))).toBe(true);
      expect(job.ran.find((step) => step.id === 'evidence')!.output).toContain(id);
    },
    intentsBudgetMs(2),
  );

  test(
    'a rejected intent: the job fails at its outcome, naming why, and its evidence is still linked',
    async () => {
      const job = await runJob(home, join(root, 'examples', '03-policy-reject.json'), 'rachel');
      works.push(job.work);
      expect(job.ran.map((step) => [step.id, step.code])).toEqual([
        ['submit', 0],
        ['outcome', 2],
        ['evidence', 0],
      ]);
      expect(job.passed).toBe(false);
      const outcome = job.ran.find((step) => step.id === 'outcome')!;
      expect(outcome.output).toMatch(/::error::intent .* ended rejected-policy without releasing/);
      expect(outcome.output).toMatch(/::error::.*authority-owner-or-delegate/);
      expect(job.summary).toContain('rejected-policy');
    },
    intentsBudgetMs(2),
  );
});
