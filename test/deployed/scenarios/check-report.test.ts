import type { CallerIdentity } from '../harness/api-gateway.js';
import { type DeployedStack, deployStack } from '../harness/deployed-stack.js';
import {
  declaredAt,
  example,
  personCalling,
  reviewerCalling,
  suiteEnvironment,
  unblockedStart,
} from '../harness/scenario-support.js';
import { deployedAccount } from '../harness/template.js';

/**
 * A CI system reporting a check result through API Gateway with SigV4, as deployed: the report-check function
 * runs under its own role (ledger append, state record, SendTaskSuccess; the IAM gateway refuses anything else), the caller is
 * the CI role's session resolved to its catalog principal, and the result it reports for a change queued
 * behind another is the one that change's Verify counts once the lane frees; a change submitted before CI
 * reports parks in AwaitChecks, and the report (SendTaskSuccess, the function's one Step Functions grant) wakes it.
 */
describe('PUT /intents/{id}/checks/{name} on the deployed stack', () => {
  let stack: DeployedStack;
  /** The SRE team's CI role, assumed for one pipeline run (the catalog claims any session of it). */
  const sreCi: CallerIdentity = {
    arn: `arn:aws:sts::${deployedAccount}:assumed-role/ItvSreCi/pipeline-run-77`,
    accessKey: 'ASIASRECIRUN00000077',
  };
  const check = 'hipaa-audit-controls';

  beforeAll(async () => {
    stack = await deployStack({
      ...suiteEnvironment(),
      start: unblockedStart(['04-high-risk-review.json']),
    });
  });
  afterAll(async () => {
    console.log(stack.services.iamSummary());
    await stack?.stop();
  });

  const call = async (method: string, path: string, caller: CallerIdentity | undefined, body?: unknown) => {
    const answer = await stack.clock.busy(() =>
      stack.api.request(method, path, { caller, ...(body === undefined ? {} : { body }) }),
    );
    return { status: answer.statusCode, body: answer.json() as Record<string, unknown> };
  };

  test('a CI principal the owner delegated to reports as itself; Verify counts it; a late report is refused', async () => {
    // Prepare: the first change, its check left to CI, parks for the result holding the lane (a review wait would
    // hold none); the second, whose check is left to CI too, queues behind it.
    const { testResults: _attached, ...withoutResults } = example('04-high-risk-review.json');
    const holder = await stack.submit(
      declaredAt({ ...withoutResults, title: 'Break-glass access, checked by CI' }, stack.clock.now()),
      personCalling('victor'),
    );
    await stack.until(async () =>
      (await stack.entryTypes(holder.intentId)).includes('verification.awaiting-checks'),
    );
    const waiter = await stack.submit(
      declaredAt({ ...withoutResults, title: 'Audit log retention, checked by CI' }, stack.clock.now()),
      personCalling('victor'),
    );
    await stack.until(async () => (await stack.entryTypes(waiter.intentId)).includes('admission.queued'));
    const path = `/intents/${encodeURIComponent(waiter.intentId)}/checks/${check}`;
    const failed = { status: 'failed', detail: 'AU-2 untested', url: 'https://ci.example.com/runs/77' };

    // Act
    const unsigned = await call('PUT', path, undefined, failed);
    const beforeGrant = await call('PUT', path, sreCi, failed);
    const granted = await call('POST', '/delegations', personCalling('victor'), {
      to: 'ci-sre',
      services: ['patient-records'],
      role: 'engineering-manager',
      expiresAt: new Date(stack.clock.now().getTime() + 7 * 86_400_000).toISOString(),
      reason: 'the SRE pipeline runs the HIPAA audit checks',
    });
    const reported = await call('PUT', path, sreCi, failed);
    const again = await call('PUT', path, sreCi, failed);
    const readBack = await call('GET', path, personCalling('victor'));
    // The holder's own check passes: its Verify goes on to its review wait, which gives up the lane.
    const holderReported = await call(
      'PUT',
      `/intents/${encodeURIComponent(holder.intentId)}/checks/${check}`,
      sreCi,
      { status: 'passed', url: 'https://ci.example.com/runs/76' },
    );
    const run = await stack.finished(waiter.intentId);
    const late = await call('PUT', path, sreCi, { status: 'passed' });
    const approved = await call(
      'POST',
      `/intents/${encodeURIComponent(holder.intentId)}/review`,
      reviewerCalling(example('04-high-risk-review.json')),
      { decision: 'approve', reason: 'risk reviewed' },
    );
    const holderRun = await stack.finished(holder.intentId);

    // Assess
    expect(unsigned.status).toBe(401);
    expect([beforeGrant.status, beforeGrant.body.error]).toEqual([403, 'NotACheckReporterError']);
    expect(granted.status).toBe(201);
    expect(reported.status).toBe(201);
    expect(reported.body).toMatchObject({
      check,
      status: 'failed',
      reportedBy: 'ci-sre',
      standing: 'delegation',
    });
    expect(again).toEqual({ status: 200, body: { ...reported.body, repeated: true } });
    // The report's Location answers GET with the result as recorded.
    expect([readBack.status, readBack.body]).toEqual([
      200,
      expect.objectContaining({ check, status: 'failed', detail: failed.detail, reportedBy: 'ci-sre' }),
    ]);
    expect(holderReported.status).toBe(201);
    expect(approved.status).toBe(200);
    expect(holderRun.status).toBe('SUCCEEDED');
    expect((await stack.status(holder.intentId))?.status).toBe('released');
    expect(run.status).toBe('SUCCEEDED');
    const entries = (await stack.ledger.forIntent(stack.ledgerName, waiter.intentId)).map((s) => s.entry);
    expect(entries.filter((e) => e.type === 'check.reported').map((e) => e.payload)).toEqual([
      expect.objectContaining({
        reportedBy: 'ci-sre',
        authenticatedAs: { method: 'aws-iam', arn: sreCi.arn },
        url: failed.url,
      }),
    ]);
    const verification = entries.find((e) => e.type === 'verification.failed')?.payload as {
      results: Array<{ check: string; passed: boolean; detail: string }>;
    };
    expect(verification.results.find((r) => r.check === check)).toEqual({
      check,
      passed: false,
      detail: 'reported failed by ci-sre: AU-2 untested',
      source: 'reported',
      reportedBy: 'ci-sre',
    });
    expect((await stack.status(waiter.intentId))?.outcome).toBe('failed-verification');
    expect([late.status, late.body.error]).toEqual([409, 'CheckReportConflictError']);
  });

  test('a change submitted before CI reports parks in AwaitChecks; the CI role’s report wakes it and Verify counts it', async () => {
    // Prepare: the SRE pipeline may report for patient-records (an owner delegated to it, as CI is set up once).
    const granted = await call('POST', '/delegations', personCalling('victor'), {
      to: 'ci-sre',
      services: ['patient-records'],
      role: 'engineering-manager',
      expiresAt: new Date(stack.clock.now().getTime() + 7 * 86_400_000).toISOString(),
      reason: 'the SRE pipeline reports the HIPAA audit checks of changes it builds',
    });
    const { testResults: _attached, ...withoutResults } = example('04-high-risk-review.json');
    const submitted = await stack.submit(
      declaredAt({ ...withoutResults, title: 'Audit log retention, CI reports after' }, stack.clock.now()),
      personCalling('victor'),
    );
    const id = submitted.intentId;
    const execution = stack.stepFunctions.executions.get(submitted.executionArn ?? '');
    const parked = () =>
      stack.stepFunctions.waitingTokens.some((token) => token.startsWith(`${execution?.executionArn}#`));
    await stack.until(async () => execution?.states.at(-1) === 'AwaitChecks' && parked());
    const waiting = await stack.status(id);

    // Act
    const reported = await call('PUT', `/intents/${encodeURIComponent(id)}/checks/${check}`, sreCi, {
      status: 'passed',
      detail: 'controls AU-2..AU-12 tested',
      url: 'https://ci.example.com/runs/78',
    });
    const woken = await stack.parkedForReview(id);
    const stopped = await call('POST', `/intents/${encodeURIComponent(id)}/stop`, personCalling('victor'), {
      reason: 'verified; released with the next window',
    });
    const run = await stack.finished(id);

    // Assess
    expect(granted.status).toBe(201);
    expect(waiting?.status).toBe('awaiting-checks');
    expect(reported.status).toBe(201);
    expect(reported.body).toMatchObject({ reportedBy: 'ci-sre', standing: 'delegation', repeated: false });
    expect(woken).toBe(true);
    const fromPark = execution?.states.slice(execution.states.indexOf('AwaitChecks')) ?? [];
    expect(fromPark.slice(0, 4)).toEqual(['AwaitChecks', 'Verify', 'AwaitReview', 'Learn']);
    expect(stopped.status).toBe(202);
    expect(run.status).toBe('SUCCEEDED');
    const entries = (await stack.ledger.forIntent(stack.ledgerName, id)).map((s) => s.entry);
    const types = entries.map((e) => e.type);
    expect(types.filter((t) => t.startsWith('verification.'))).toEqual([
      'verification.awaiting-checks',
      'verification.passed',
    ]);
    expect(types.indexOf('check.reported')).toBeLessThan(types.indexOf('verification.passed'));
    const verification = entries.find((e) => e.type === 'verification.passed')?.payload as {
      results: Array<{ check: string; passed: boolean; detail: string }>;
    };
    expect(verification.results.find((r) => r.check === check)).toEqual({
      check,
      passed: true,
      detail: 'reported passed by ci-sre: controls AU-2..AU-12 tested',
      source: 'reported',
      reportedBy: 'ci-sre',
    });
    expect((await stack.status(id))?.outcome).toBe('stopped');
  });
});
