import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { itvBin, root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
}

const workflow = parse(readFileSync(join(root, 'examples', 'ci', 'github-actions.yml'), 'utf8')) as {
  permissions: Record<string, string>;
  jobs: { release: { env: Record<string, string>; steps: Step[] } };
};
const steps = workflow.jobs.release.steps;

/**
 * Steps that need what a laptop lacks: the network (installing itv: the checkout's `bin/itv.js` stands in) and a
 * deployed stack (its context: without one, itv talks to the local stack). Everything else runs as written.
 */
const needsTheCloud = new Set(['install', 'context']);

/** `${{ steps.ID.outputs.NAME }}` from what earlier steps wrote to GITHUB_OUTPUT; other expressions empty. */
function expand(value: string, outputs: Record<string, Record<string, string>>): string {
  return value.replace(
    /\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}/g,
    (_m, id: string, name: string) => outputs[id]?.[name] ?? '',
  );
}

/** Whether a step runs, as GitHub decides: after a failure only `always()` steps, each on its condition. */
function runs(step: Step, failed: boolean, outputs: Record<string, Record<string, string>>): boolean {
  const condition = step.if ?? 'success()';
  if (failed && !condition.includes('always()')) return false;
  const needsId = /steps\.([\w-]+)\.outputs\.([\w-]+) != ''/.exec(condition);
  return needsId ? (outputs[needsId[1]!]?.[needsId[2]!] ?? '') !== '' : true;
}

/** Runs the workflow's job on the local stack: each `run:` step in bash, `itv` the checkout's. */
async function runJob(home: string, intent: string, principal: string) {
  const work = mkdtempSync(join(tmpdir(), 'itv-gha-work-'));
  const shims = join(work, '.bin');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(shims);
  writeFileSync(join(shims, 'itv'), `#!/bin/sh\nexec "${process.execPath}" "${itvBin}" "$@"\n`);
  chmodSync(join(shims, 'itv'), 0o755);
  const summary = join(work, 'summary.md');
  writeFileSync(summary, '');
  const outputs: Record<string, Record<string, string>> = {};
  const ran: Array<{ id: string; code: number | null; output: string }> = [];
  let failed = false;
  for (const step of steps) {
    if (!step.run || needsTheCloud.has(step.id ?? '') || !runs(step, failed, outputs)) continue;
    const outputFile = join(work, `output-${step.id}`);
    writeFileSync(outputFile, '');
    const env = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([name, value]) => [name, expand(value, outputs)]),
    );
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn('bash', ['-e', '-c', step.run!], {
        cwd: work,
        env: {
          ...process.env,
          PATH: `${shims}:${process.env.PATH}`,
          ITV_HOME: home,
          ITV_CONFIG_DIR: join(work, 'config'),
          ITV_IDLE_SECONDS: '20',
          ITV_PRINCIPAL: principal,
          NODE_OPTIONS: '',
          ITV_INTENT: intent,
          GITHUB_OUTPUT: outputFile,
          GITHUB_STEP_SUMMARY: summary,
          ...env,
        },
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('close', (code) => resolve({ code, output }));
    });
    outputs[step.id ?? ''] = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    ran.push({ id: step.id ?? '', ...result });
    if (result.code !== 0) failed = true;
  }
  return { passed: !failed, ran, outputs, summary: readFileSync(summary, 'utf8'), work };
}

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
