import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { itvBin, root } from './run-itv.js';

export interface WorkflowStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
}

export interface Workflow {
  permissions: Record<string, string>;
  jobs: Record<string, { env: Record<string, string>; steps: WorkflowStep[] }>;
}

/** An example workflow under `examples/ci/`, parsed. */
export function readWorkflow(file: string): Workflow {
  return parse(readFileSync(join(root, 'examples', 'ci', file), 'utf8')) as Workflow;
}

/**
 * Steps that need what a laptop lacks: the network (installing itv: the checkout's `bin/itv.js` stands in) and a
 * deployed stack (its context: without one, itv talks to the local stack). Everything else runs as written.
 */
const needsTheCloud = new Set(['install', 'context']);

/**
 * `${{ steps.ID.outputs.NAME }}` from what earlier steps wrote to GITHUB_OUTPUT, `${{ vars.NAME }}` from `vars`;
 * other expressions empty.
 */
function expand(
  value: string,
  outputs: Record<string, Record<string, string>>,
  vars: Record<string, string>,
): string {
  return value
    .replace(
      /\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}/g,
      (_m, id: string, name: string) => outputs[id]?.[name] ?? '',
    )
    .replace(/\$\{\{\s*vars\.([\w-]+)\s*\}\}/g, (_m, name: string) => vars[name] ?? '')
    .replace(/\$\{\{[^}]*\}\}/g, '');
}

/** Whether a step runs, as GitHub decides: after a failure only `always()` steps, each on its condition. */
function runs(step: WorkflowStep, failed: boolean, outputs: Record<string, Record<string, string>>): boolean {
  const condition = step.if ?? 'success()';
  if (failed && !condition.includes('always()')) return false;
  const needsId = /steps\.([\w-]+)\.outputs\.([\w-]+) != ''/.exec(condition);
  return needsId ? (outputs[needsId[1]!]?.[needsId[2]!] ?? '') !== '' : true;
}

/**
 * Runs one job of a workflow on the local stack of `home`: each `run:` step in bash, `itv` the checkout's, as
 * `principal`. `env` stands for the job's inputs; GitHub's default variables name a run of `example/app`.
 */
export async function runWorkflowJob(options: {
  workflow: Workflow;
  job: string;
  home: string;
  principal: string;
  env?: Record<string, string>;
  vars?: Record<string, string>;
}) {
  const steps = options.workflow.jobs[options.job]?.steps ?? [];
  const vars = options.vars ?? {};
  const work = mkdtempSync(join(tmpdir(), 'itv-gha-work-'));
  const shims = join(work, '.bin');
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
      Object.entries(step.env ?? {}).map(([name, value]) => [name, expand(value, outputs, vars)]),
    );
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn('bash', ['-e', '-c', step.run!], {
        cwd: work,
        env: {
          ...process.env,
          PATH: `${shims}:${process.env.PATH}`,
          ITV_HOME: options.home,
          ITV_CONFIG_DIR: join(work, 'config'),
          ITV_IDLE_SECONDS: '20',
          ITV_PRINCIPAL: options.principal,
          NODE_OPTIONS: '',
          GITHUB_OUTPUT: outputFile,
          GITHUB_STEP_SUMMARY: summary,
          GITHUB_SERVER_URL: 'https://github.com',
          GITHUB_REPOSITORY: 'example/app',
          GITHUB_RUN_ID: '77',
          ...options.env,
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
