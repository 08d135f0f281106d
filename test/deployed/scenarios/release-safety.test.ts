import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import type { ApiGet } from '../../../cli/api/api-get.js';
import { downloadBundle } from '../../../cli/api/bundle-download.js';
import { downloadLedger } from '../../../cli/api/ledger-download.js';
import { auditExport } from '../../../lambdas/core/evidence/export-audit.js';
import { pemToSpki } from '../../../lambdas/core/evidence/pem.js';
import { verifyBundle } from '../../../lambdas/core/evidence/verify-bundle.js';
import type { PutEventsEntry } from '../harness/aws-services.js';
import { type DeployedStack, deployStack } from '../harness/deployed-stack.js';
import { eventRules, eventsMayInvoke, route, scheduledTargets } from '../harness/event-rules.js';
import {
  declaredAt,
  example,
  personCalling,
  suiteEnvironment,
  unblockedStart,
} from '../harness/scenario-support.js';
import { deployedRegion } from '../harness/template.js';

/**
 * What the deployed stack must survive beyond the demo: a service that goes quiet during a bake, a stage that
 * fails after the deployment has started, and calls a role does not allow.
 */
describe('release safety on the deployed stack', () => {
  let stack: DeployedStack;

  beforeAll(async () => {
    stack = await deployStack({
      ...suiteEnvironment(),
      start: unblockedStart([
        '01-low-risk-flag.json',
        '04-high-risk-review.json',
        '06-deal-desk-pricing.json',
      ]),
    });
  });
  afterAll(async () => {
    console.log(stack.services.iamSummary());
    await stack?.stop();
  });

  /** A GET through API Gateway as `caller`, in the shape the CLI's reads take. */
  const apiGet =
    (caller: ReturnType<typeof personCalling>): ApiGet =>
    async (path) => {
      const answer = await stack.clock.busy(() => stack.api.request('GET', path, { caller }));
      const headers = Object.fromEntries(
        Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
      );
      return { status: answer.statusCode, text: answer.body, header: (name) => headers[name.toLowerCase()] };
    };

  async function release(
    file: string,
    change: (intent: Record<string, unknown>) => Record<string, unknown> = (i) => i,
  ) {
    const intent = declaredAt(change(example(file)), stack.clock.now());
    const submitted = await stack.submit(
      intent,
      personCalling((intent.authority as { requester: string }).requester),
    );
    expect(submitted.statusCode).toBe(202);
    const execution = await stack.finished(submitted.intentId);
    return { intentId: submitted.intentId, execution, status: await stack.status(submitted.intentId) };
  }

  test('a five-minute gap in the metrics during the bake does not roll a healthy release back', async () => {
    // pricing-engine is tier 2: a 20-minute canary with a 10-minute bake, long enough to hold the whole gap.
    stack.telemetry.silenceDuringBake('pricing-engine', 5);
    const { execution, status, intentId } = await release('06-deal-desk-pricing.json');
    expect(stack.telemetry.silencedMinutes).toBe(5);
    expect([execution.status, status?.status]).toEqual(['SUCCEEDED', 'released']);
    expect(await stack.entryTypes(intentId)).not.toContain('release.rollback-started');
  });

  test('a stage failing after StartRelease is recorded, and the next change to the service still releases', async () => {
    stack.services.appConfigOutages.set('GetDeployment', 'InternalServerException');
    const failed = await release('16-checkout-general-availability.json');
    stack.services.appConfigOutages.clear();
    expect([failed.execution.status, failed.execution.error]).toEqual(['FAILED', 'ItvStageFailed']);
    const entries = await stack.ledger.forIntent(stack.ledgerName, failed.intentId);
    const types = entries.map((e) => e.entry.type);
    expect(types).toEqual(expect.arrayContaining(['release.started', 'stage.failed']));
    expect(entries.find((e) => e.entry.type === 'stage.failed')?.entry.payload).toEqual(
      expect.objectContaining({ error: 'TransientError' }),
    );
    // Sealed before the execution ended, on AWS too: SignCheckpoint ran on the failure path (KMS, S3 Object
    // Lock), the bundle says why the intent stopped, and a head signed after its last entry covers the ledger.
    expect(types.at(-1)).toBe('checkpoint.signed');
    expect(failed.execution.states.slice(-2)).toEqual(['RestoreMonitors', 'SignCheckpoint']);
    const get = apiGet(personCalling('xavier', 'ItvReviewers'));
    const download = await downloadLedger(get);
    const key = pemToSpki(download.publicKeyPem);
    const bundle = await downloadBundle(get, failed.intentId);
    expect(verifyBundle(bundle, { publicKeySpkiDer: key })).toMatchObject({ ok: true });
    expect(JSON.parse(Buffer.from(bundle.get('outcome.json')!).toString('utf8'))).toMatchObject({
      outcome: 'failed',
      failures: [{ type: 'stage.failed', error: 'TransientError' }],
    });
    expect(auditExport(download.lines, key, { checkpoints: download.checkpoints })).toMatchObject({
      ok: true,
      trailing: 0,
    });

    const next = await release('01-low-risk-flag.json', (intent) => ({
      ...intent,
      title: `${intent.title} (after an outage)`,
    }));
    expect([next.execution.status, next.status?.status]).toEqual(['SUCCEEDED', 'released']);
  });

  test('a stage failing after StartRelease of an observe-only release leaves its monitors with their alarm actions', async () => {
    // Prepare: a change that freezes on regression runs with its monitors observing only; every poll of
    // CheckRelease then fails, so the execution leaves the release through RecordFailure mid-rollout.
    stack.services.appConfigOutages.set('GetDeployment by CheckRelease', 'InternalServerException');
    // Act
    const failed = await release('01-low-risk-flag.json', (intent) => ({
      ...intent,
      title: `${intent.title} (frozen on regression)`,
      constraints: { ...(intent.constraints as object), onRegression: 'freeze' },
    }));
    stack.services.appConfigOutages.clear();
    // Assess
    expect([failed.execution.status, failed.execution.error]).toEqual(['FAILED', 'ItvStageFailed']);
    const entries = await stack.ledger.forIntent(stack.ledgerName, failed.intentId);
    const started = entries.find((e) => e.entry.type === 'release.started')?.entry.payload as
      | {
          plan: { rollbackOnAlarm: boolean };
          deploymentId: string;
          startedAt: string;
          deploymentDurationInMinutes: number;
          finalBakeTimeInMinutes: number;
        }
      | undefined;
    expect(started?.plan.rollbackOnAlarm).toBe(false);
    const restored = entries.find((e) => e.entry.type === 'release.monitors-restored');
    expect(restored?.entry.payload).toMatchObject({
      service: 'launch-flags',
      deploymentId: started?.deploymentId,
      trigger: 'failure-path',
      alarms: ['itv-launch-flags-error-rate', 'itv-launch-flags-latency-p99'],
    });
    for (const alarm of ['itv-launch-flags-error-rate', 'itv-launch-flags-latency-p99']) {
      expect([alarm, stack.services.alarmActions.enabledNow(alarm)]).toEqual([alarm, true]);
    }
    // RestoreMonitors waited for the deployment to end before enabling them.
    const states = failed.execution.states;
    const restores = states.slice(states.indexOf('RecordFailure') + 1, -1);
    expect(new Set(restores)).toEqual(new Set(['RestoreMonitors']));
    expect(restores.length).toBeGreaterThan(1);
    expect(states.at(-1)).toBe('SignCheckpoint');
    // Not mid-rollout: the actions came back once the deployment's rollout and bake were over.
    const ends =
      Date.parse(started!.startedAt) +
      (started!.deploymentDurationInMinutes + started!.finalBakeTimeInMinutes) * 60_000;
    expect(Date.parse(restored!.entry.timestamp)).toBeGreaterThanOrEqual(ends);
  });

  test('when the compensation cannot run either, the reconciler restores the lane once its deployment has ended', async () => {
    // Prepare: the polls fail, and so does RestoreMonitors (it cannot list the lane's deployments).
    const monitors = ['itv-launch-flags-error-rate', 'itv-launch-flags-latency-p99'];
    stack.services.appConfigOutages.set('GetDeployment by CheckRelease', 'InternalServerException');
    stack.services.appConfigOutages.set('ListDeployments by RestoreMonitors', 'InternalServerException');
    const failed = await release('01-low-risk-flag.json', (intent) => ({
      ...intent,
      title: `${intent.title} (frozen on regression, compensation unreachable)`,
      constraints: { ...(intent.constraints as object), onRegression: 'freeze' },
    }));
    stack.services.appConfigOutages.clear();
    const afterFailure = monitors.map((alarm) => stack.services.alarmActions.enabledNow(alarm));
    const started = (await stack.ledger.forIntent(stack.ledgerName, failed.intentId)).find(
      (e) => e.entry.type === 'release.started',
    )!.entry.payload as {
      startedAt: string;
      deploymentDurationInMinutes: number;
      finalBakeTimeInMinutes: number;
    };
    const ends =
      Date.parse(started.startedAt) +
      (started.deploymentDurationInMinutes + started.finalBakeTimeInMinutes) * 60_000;

    // Act: Step Functions' event for the failed execution, through the template's rule, as EventBridge
    // delivers it; then the scheduled run once the deployment has ended.
    const reconcile = async (entry: PutEventsEntry) => {
      const targets = route(eventRules(stack.template), entry, stack.clock.now()).filter(
        (target) => target.kind === 'lambda',
      );
      expect(targets).toHaveLength(1);
      const [target] = targets;
      if (target?.kind !== 'lambda') throw new Error('no reconciler target');
      expect(eventsMayInvoke(stack.template, target.functionArn, target.ruleArn)).toBe(true);
      return (await stack.clock.busy(() => stack.lambda.invoke(target.functionArn, target.event))) as Array<{
        service: string;
        outcome: string;
      }>;
    };
    const onFailure = await reconcile({
      Source: 'aws.states',
      DetailType: 'Step Functions Execution Status Change',
      Detail: JSON.stringify({
        status: failed.execution.status,
        executionArn: failed.execution.executionArn,
        stateMachineArn: stack.stepFunctions.stateMachineArn,
      }),
    });
    stack.clock.enter();
    await stack.clock.sleep(Math.max(0, ends - stack.clock.now().getTime()) + 60_000);
    stack.clock.idle();
    const [every5Minutes] = scheduledTargets(eventRules(stack.template), stack.clock.now());
    expect(every5Minutes?.schedule).toBe('rate(5 minutes)');
    expect(eventsMayInvoke(stack.template, every5Minutes!.functionArn, every5Minutes!.ruleArn)).toBe(true);
    const scheduled = (await stack.clock.busy(() =>
      stack.lambda.invoke(every5Minutes!.functionArn, every5Minutes!.event),
    )) as Array<{ service: string; outcome: string }>;

    // Assess
    expect([failed.execution.status, failed.execution.error]).toEqual(['FAILED', 'ItvStageFailed']);
    expect(afterFailure).toEqual([false, false]);
    expect(onFailure.find((lane) => lane.service === 'launch-flags')?.outcome).toBe('observing');
    expect(scheduled.find((lane) => lane.service === 'launch-flags')?.outcome).toBe('restored');
    expect(monitors.map((alarm) => stack.services.alarmActions.enabledNow(alarm))).toEqual([true, true]);
    const restored = (await stack.ledger.forIntent(stack.ledgerName, failed.intentId)).find(
      (e) => e.entry.type === 'release.monitors-restored',
    );
    expect(restored?.entry.payload).toMatchObject({ trigger: 'schedule', alarms: monitors });
  });

  test('only an eligible reviewer other than the requester, calling with its IAM identity, approves a review', async () => {
    const intent = declaredAt(example('04-high-risk-review.json'), stack.clock.now());
    const requester = (intent.authority as { requester: string }).requester;
    const submitted = await stack.submit(intent, personCalling(requester));
    expect(submitted.statusCode).toBe(202);
    expect(await stack.parkedForReview(submitted.intentId)).toBe(true);
    const review = (caller: ReturnType<typeof personCalling>) =>
      stack.clock.busy(() =>
        stack.api.request('POST', `/intents/${encodeURIComponent(submitted.intentId)}/review`, {
          body: { decision: 'approve' },
          caller,
        }),
      );
    const own = await review(personCalling(requester));
    expect([own.statusCode, JSON.stringify(own.json())]).toEqual([
      403,
      expect.stringMatching(/separation of duties/),
    ]);
    const ineligible = await review(personCalling('alice'));
    expect([ineligible.statusCode, JSON.stringify(ineligible.json())]).toEqual([
      403,
      expect.stringMatching(/xavier/),
    ]);
    const stranger = await review({ arn: 'arn:aws:iam::123456789012:user/mallory' });
    expect([stranger.statusCode, JSON.stringify(stranger.json())]).toEqual([
      401,
      expect.stringMatching(/user\/mallory/),
    ]);
    const eligible = await review(personCalling('xavier', 'ItvReviewers'));
    expect(eligible.statusCode).toBe(200);
    const execution = await stack.finished(submitted.intentId);
    expect([execution.status, (await stack.status(submitted.intentId))?.status]).toEqual([
      'SUCCEEDED',
      'released',
    ]);
    const approved = (await stack.ledger.forIntent(stack.ledgerName, submitted.intentId)).find(
      (e) => e.entry.type === 'review.approved',
    );
    expect(approved?.entry.payload).toMatchObject({
      reviewer: 'xavier',
      authenticatedAs: {
        method: 'aws-iam',
        arn: 'arn:aws:sts::123456789012:assumed-role/ItvReviewers/xavier@example.com',
      },
    });
  });

  test('a review whose SendTaskSuccess fails is answered 503 and, sent again, resumes the execution once', async () => {
    // Prepare: the intent waits for its reviewer; Step Functions answers the next SendTaskSuccess calls 503,
    // more than the SDK retries on its own.
    const intent = declaredAt(example('04-high-risk-review.json'), stack.clock.now());
    const requester = (intent.authority as { requester: string }).requester;
    const submitted = await stack.submit(intent, personCalling(requester));
    expect(await stack.parkedForReview(submitted.intentId)).toBe(true);
    const review = () =>
      stack.clock.busy(() =>
        stack.api.request('POST', `/intents/${encodeURIComponent(submitted.intentId)}/review`, {
          body: { decision: 'approve' },
          caller: personCalling('xavier', 'ItvReviewers'),
        }),
      );
    stack.stepFunctions.unavailableTaskCompletions = 10;

    // Act
    const first = await review();
    stack.stepFunctions.unavailableTaskCompletions = 0;
    const again = await review();

    // Assess
    expect([first.statusCode, first.json()]).toEqual([
      503,
      expect.objectContaining({ error: 'ReviewResumeFailedError' }),
    ]);
    expect([again.statusCode, again.json()]).toEqual([200, expect.objectContaining({ retried: true })]);
    const execution = await stack.finished(submitted.intentId);
    expect(execution.status).toBe('SUCCEEDED');
    const types = await stack.entryTypes(submitted.intentId);
    expect(types.filter((type) => type === 'review.approved')).toHaveLength(1);
  });

  test('an authorized emergency stops the baking release on its lane with StopDeployment, and that intent releases after it', async () => {
    // Prepare: a routine pricing change (tier 2: a 20-minute canary, then a 10-minute bake), 25 minutes in.
    // The test holds the clock while it submits, so the emergency arrives during the bake on any machine.
    stack.clock.enter();
    let routine: { intentId: string };
    let fix: { intentId: string };
    try {
      const routineIntent = declaredAt(example('06-deal-desk-pricing.json'), stack.clock.now());
      routine = await stack.submit(routineIntent, personCalling('dana'));
      expect(routine.intentId).not.toBe('');
      await stack.clock.sleep(25 * 60_000);

      // Act: dana, the owning team's engineering manager, sends a fix under an emergency override.
      const sample = example('06-deal-desk-pricing.json');
      const change = sample.change as { payload: Record<string, unknown> };
      const fixIntent = declaredAt(
        {
          ...sample,
          title: 'Cap discounts at 20 % now',
          change: { ...change, payload: { ...change.payload, maxDiscountPercent: 20 } },
          authority: { ...(sample.authority as Record<string, unknown>), emergencyOverride: true },
        },
        stack.clock.now(),
      );
      fix = await stack.submit(fixIntent, personCalling('dana'));
    } finally {
      stack.clock.idle();
    }
    const [routineRun, fixRun] = await Promise.all([
      stack.finished(routine.intentId),
      stack.finished(fix.intentId),
    ]);

    // Assess
    expect([routineRun.status, fixRun.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect((await stack.status(routine.intentId))?.status).toBe('released');
    expect((await stack.status(fix.intentId))?.status).toBe('released');
    const routineEntries = await stack.ledger.forIntent(stack.ledgerName, routine.intentId);
    const fixEntries = await stack.ledger.forIntent(stack.ledgerName, fix.intentId);
    const started = routineEntries.filter((e) => e.entry.type === 'release.started');
    expect(started).toHaveLength(2);
    const preempted = routineEntries.find((e) => e.entry.type === 'release.preempted')?.entry.payload;
    expect(preempted).toMatchObject({
      deploymentId: started[0]!.entry.payload.deploymentId,
      preemptedBy: fix.intentId,
      requeued: 'head-of-lane',
    });
    expect(preempted?.costOfDelayUsd).toBeGreaterThan(0);
    const admitted = fixEntries.find((e) => e.entry.type === 'admission.admitted')?.entry.payload as {
      nonInterference: { preemption?: unknown };
    };
    expect(admitted.nonInterference.preemption).toMatchObject({
      action: 'preempted',
      intentId: routine.intentId,
      endedFirst: false,
    });
    // The fix did not wait for the routine's bake (its start 25 minutes in, not 30), and the routine's second
    // deployment began after the fix's completed.
    const at = (entries: typeof fixEntries, type: string) =>
      Date.parse(entries.find((e) => e.entry.type === type)!.entry.timestamp);
    expect(at(fixEntries, 'release.started') - at(routineEntries, 'release.started')).toBeLessThan(
      30 * 60_000,
    );
    expect(Date.parse(started[1]!.entry.timestamp)).toBeGreaterThanOrEqual(
      at(fixEntries, 'release.deployment-completed'),
    );
  });

  test('a call the role does not allow is refused as AWS refuses it', async () => {
    const fn = (name: string) => [...stack.lambda.functions.values()].find((f) => f.name.includes(name))!;
    const as = (name: string) => ({
      region: deployedRegion,
      endpoint: stack.services.gatewayUrl,
      credentials: { accessKeyId: fn(name).accessKeyId, secretAccessKey: 'x', sessionToken: 'y' },
      maxAttempts: 1,
    });
    const submitter = new DynamoDBClient(as('SubmitIntent'));
    await expect(
      submitter.send(
        new PutItemCommand({
          TableName: fn('Verify').environment.ITV_LEDGER_TABLE,
          Item: { ledger: { S: 'main' }, seq: { N: '999999' } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    const verifier = new KMSClient(as('Verify'));
    const keyId = fn('FormDecision').environment.ITV_KMS_KEY_ID;
    await expect(
      verifier.send(
        new SignCommand({
          KeyId: keyId,
          Message: Buffer.alloc(32),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
