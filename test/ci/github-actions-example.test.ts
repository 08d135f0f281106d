import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWorkflow, runWorkflowJob } from '../support/github-workflow.js';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

const workflow = readWorkflow('github-actions.yml');
const steps = workflow.jobs.release!.steps;

/**
 * Runs the workflow's job on the local stack: each `run:` step in bash, `itv` the checkout's; `vars` are the
 * repository's variables (ITV_PUBLIC_KEY, the ledger's key the evidence is verified against).
 */
const runJob = (home: string, intent: string, principal: string, vars: Record<string, string>) =>
  runWorkflowJob({ workflow, job: 'release', home, principal, env: { ITV_INTENT: intent }, vars });

describe('examples/ci/github-actions.yml, run against the local stack', () => {
  let home: string;
  /** The ledger's public key as `itv ledger export` writes it: what a team keeps as the ITV_PUBLIC_KEY variable. */
  let ledgerKey: string;
  const works: string[] = [];
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-gha-'));
    const folder = mkdtempSync(join(tmpdir(), 'itv-gha-key-'));
    works.push(folder);
    const exported = join(folder, 'ledger.jsonl');
    expect((await runItv(home, ['ledger', 'export', '--out', exported])).code).toBe(0);
    ledgerKey = readFileSync(`${exported}.pub.pem`, 'utf8');
  }, setupMs);
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
      const job = await runJob(home, join(root, 'examples', '01-low-risk-flag.json'), 'alice', {
        ITV_PUBLIC_KEY: ledgerKey,
      });
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
      const evidence = job.ran.find((step) => step.id === 'evidence')!.output;
      expect(evidence).toContain(id);
      expect(evidence).toMatch(/ok {3}public key +keyid [0-9a-f]{64} \(pinned\)/);
    },
    intentsBudgetMs(2),
  );

  test(
    'a rejected intent: the job fails at its outcome, naming why, and its evidence is still linked',
    async () => {
      const job = await runJob(home, join(root, 'examples', '03-policy-reject.json'), 'rachel', {
        ITV_PUBLIC_KEY: ledgerKey,
      });
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

  test(
    "without the ledger's key, or with another one, the evidence step fails and says why",
    async () => {
      // Prepare: the approvable intent again (a resubmission, answered at once), and a key of no ledger.
      const intent = join(root, 'examples', '01-low-risk-flag.json');
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const otherKey = publicKey.export({ type: 'spki', format: 'pem' }).toString();

      // Act
      const unset = await runJob(home, intent, 'alice', {});
      const other = await runJob(home, intent, 'alice', { ITV_PUBLIC_KEY: otherKey });
      works.push(unset.work, other.work);

      // Assess
      const evidenceOf = (job: typeof unset) => job.ran.find((step) => step.id === 'evidence')!;
      expect(evidenceOf(unset).code).toBe(1);
      expect(evidenceOf(unset).output).toMatch(/::error::the repository variable ITV_PUBLIC_KEY is not set/);
      expect(evidenceOf(other).code).toBe(1);
      expect(evidenceOf(other).output).toMatch(/FAIL +public key/);
      expect([unset.passed, other.passed]).toEqual([false, false]);
    },
    intentsBudgetMs(2),
  );
});
