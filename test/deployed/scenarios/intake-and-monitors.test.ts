import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type DeployedStack, deployStack } from '../harness/deployed-stack.js';
import {
  declaredAt,
  example,
  personCalling,
  reviewerCalling,
  suiteEnvironment,
  unblockedStart,
} from '../harness/scenario-support.js';
import type { Execution } from '../harness/step-functions.js';
import { deployedAccount, deployedRegion } from '../harness/template.js';

/**
 * The other ways in and the other release path: a CI system putting an intent on the itv bus (the template's
 * rule starts the state machine with its own role), and an irreversible change, released with its monitors'
 * alarm actions disabled for the deployment and enabled again after it.
 */
describe('intake from CI and observe-only releases on the deployed stack', () => {
  let stack: DeployedStack;
  // The growth team's CI role, as the catalog registers it for the source itv.ci.growth (principal ci-growth).
  const ciRole = `arn:aws:iam::${deployedAccount}:role/ci/ItvGrowthCi`;
  const ciKey = 'ASIACIPIPELINE000001';

  beforeAll(async () => {
    stack = await deployStack({
      ...suiteEnvironment(),
      // Irreversible changes to launch-flags are taken in its business hours only (Los Angeles).
      start: unblockedStart(
        ['01-low-risk-flag.json', '16-checkout-general-availability.json'],
        new Date('2026-11-03T18:00:00Z'),
      ),
    });
    // A CI role of the customer's, allowed to put events on the itv bus and nothing else.
    stack.services.gateway.registerCaller(ciKey, {
      principalArn: ciRole,
      sessionName: 'build-4711',
      identityPolicies: [
        {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'events:PutEvents',
              Resource: `arn:aws:events:${deployedRegion}:${deployedAccount}:event-bus/itv`,
            },
          ],
        },
      ],
    });
  });
  afterAll(async () => {
    console.log(stack.services.iamSummary());
    await stack?.stop();
  });

  async function putIntent(source: string, intent: unknown): Promise<Execution[]> {
    const before = new Set(stack.stepFunctions.executions.keys());
    const events = new EventBridgeClient({
      region: deployedRegion,
      endpoint: stack.services.gatewayUrl,
      credentials: { accessKeyId: ciKey, secretAccessKey: 'ci', sessionToken: 'ci' },
    });
    const put = await stack.clock.busy(() =>
      events.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: 'itv',
              Source: source,
              DetailType: 'Intent Submitted',
              Detail: JSON.stringify({ intent }),
            },
          ],
        }),
      ),
    );
    expect(put.FailedEntryCount).toBe(0);
    expect(await stack.eventsDelivered()).toEqual([]);
    return [...stack.stepFunctions.executions.values()].filter((e) => !before.has(e.executionArn));
  }

  test('an intent put on the itv bus by CI starts the pipeline through the rule and releases, CI acting for alice', async () => {
    const intent = declaredAt(
      { ...example('01-low-risk-flag.json'), title: 'Enable the onboarding checklist, from CI' },
      stack.clock.now(),
    );
    const started = await putIntent('itv.ci.growth', intent);
    expect(started).toHaveLength(1);
    const execution = await stack.stepFunctions.waitFor(started[0]!.executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    const output = JSON.parse(execution.output!) as { source: string; declared: { intentId: string } };
    expect(output.source).toBe('eventbridge');
    expect((await stack.status(output.declared.intentId))?.status).toBe('released');
    const declared = (await stack.ledger.forIntent(stack.ledgerName, output.declared.intentId)).find(
      (s) => s.entry.type === 'intent.declared',
    )?.entry.payload;
    expect(declared).toMatchObject({
      authority: { requester: 'ci-growth', onBehalfOf: 'alice' },
      submittedBy: {
        principal: 'ci-growth',
        authenticatedAs: { method: 'eventbridge', source: 'itv.ci.growth' },
      },
      binding: { basis: 'delegation', delegation: { from: 'alice', to: 'ci-growth' } },
    });
  });

  test('an irreversible change releases in steps of exposure, its monitors observing only; their alarm actions come back', async () => {
    const sample = example('16-checkout-general-availability.json');
    const intent = declaredAt(
      {
        ...sample,
        title: 'Checkout for everyone (a data migration that must not be blindly reverted)',
        constraints: {
          ...(sample.constraints as object),
          reversibility: 'irreversible',
          onRegression: 'freeze',
        },
      },
      stack.clock.now(),
    );
    const submitted = await stack.submit(
      intent,
      personCalling((intent.authority as { requester: string }).requester),
    );
    expect(submitted.statusCode).toBe(202);
    if (await stack.parkedForReview(submitted.intentId)) {
      // Irreversibility may raise the tier to one that needs a reviewer of record.
      const approval = await stack.clock.busy(() =>
        stack.api.request('POST', `/intents/${encodeURIComponent(submitted.intentId)}/review`, {
          body: { decision: 'approve', reason: 'migration plan reviewed' },
          caller: reviewerCalling(intent),
        }),
      );
      expect(approval.statusCode).toBe(200);
    }
    const execution = await stack.finished(submitted.intentId);
    const status = await stack.status(submitted.intentId);
    expect([execution.status, status?.status, status?.reasons]).toEqual(['SUCCEEDED', 'released', []]);
    const entries = await stack.ledger.forIntent(stack.ledgerName, submitted.intentId);
    const started = entries.find((e) => e.entry.type === 'release.started')!;
    // Each step a hosted version AppConfig accepted (flag variants with a split rule), up to everyone.
    const exposures = entries
      .filter((e) => e.entry.type === 'release.started' || e.entry.type === 'release.step-started')
      .map((e) => (e.entry.payload as { exposure: { percentage: number } }).exposure.percentage);
    const { steps } = (started.entry.payload as { exposure: { steps: number[] } }).exposure;
    expect([exposures, steps.at(-1)]).toEqual([steps, 100]);
    expect(steps.length).toBeGreaterThan(1);
    const startedAt = Date.parse(String((started.entry.payload as { startedAt: string }).startedAt));
    for (const alarm of ['itv-launch-flags-error-rate', 'itv-launch-flags-latency-p99']) {
      expect([alarm, stack.services.alarmActions.enabledAt(alarm, startedAt + 60_000)]).toEqual([
        alarm,
        false,
      ]);
      expect([alarm, stack.services.alarmActions.enabledNow(alarm)]).toEqual([alarm, true]);
    }
    expect(stack.services.deniedCalls()).toEqual([]);
  });

  test('a refused bus event delivered again starts nothing; a rejected intent submitted again runs as a second attempt', async () => {
    // Prepare: CI puts an intent for heidi, who gave it no delegation (refused); rachel submits a change the
    // policy set rejects.
    const forHeidi = declaredAt(example('07-incident-threshold.json'), stack.clock.now());
    const [refusedRun] = await putIntent('itv.ci.growth', forHeidi);
    await stack.stepFunctions.waitFor(refusedRun!.executionArn);
    const rejected = declaredAt(example('03-policy-reject.json'), stack.clock.now());
    const first = await stack.submit(rejected, personCalling('rachel'));
    await stack.finished(first.intentId);
    const executionsBefore = stack.stepFunctions.executions.size;

    // Act
    await stack.redeliverIntakes();
    const second = await stack.submit(rejected, personCalling('rachel'));
    const secondRun = await stack.finished(second.intentId);

    // Assess
    expect(stack.stepFunctions.executions.size).toBe(executionsBefore + 1);
    expect([second.statusCode, second.body]).toEqual([
      202,
      expect.objectContaining({ intentId: `${first.intentId}:attempt-2`, previousIntentId: first.intentId }),
    ]);
    expect(secondRun.status).toBe('SUCCEEDED');
    const declared = (await stack.ledger.forIntent(stack.ledgerName, second.intentId)).find(
      (e) => e.entry.type === 'intent.declared',
    );
    expect(declared?.entry.payload).toMatchObject({
      attempt: { intentId: first.intentId, number: 2, previousIntentId: first.intentId },
    });
    expect(stack.services.deniedCalls()).toEqual([]);
  });

  // Last in the file: the clock moves a day on.
  test('an intent asked for a day ahead is scheduled: its execution parks in AwaitDue, whose timeout releases it at its time', async () => {
    // Prepare
    const submittedAt = stack.clock.now();
    const notBefore = new Date(submittedAt.getTime() + 86_400_000);
    const intent = declaredAt(
      { ...example('01-low-risk-flag.json'), title: 'Enable the onboarding checklist tomorrow' },
      submittedAt,
    );
    const scheduled = {
      ...intent,
      constraints: { ...(intent.constraints as object), notBefore: notBefore.toISOString() },
    };

    // Act: the day passes (a parked Task moves no time by itself: its timeout fires as the clock passes it).
    // The park's timeout counts from the Task's start, a moment after AdmitPolicy counted the seconds to the due
    // instant, and this clock runs in real time between jumps: on a busy machine that moment is seconds, so the
    // day is let pass with five minutes to spare rather than one second.
    const submitted = await stack.submit(scheduled, personCalling('alice'));
    await stack.until(async () =>
      stack.stepFunctions.waitingTokens.some((token) => token.startsWith(`${submitted.executionArn}#`)),
    );
    await stack.clock.busy(() =>
      stack.clock.sleep(Math.ceil(notBefore.getTime() / 1000) * 1000 + 300_000 - stack.clock.now().getTime()),
    );
    const execution = await stack.finished(submitted.intentId);

    // Assess
    expect(submitted.statusCode).toBe(202);
    expect(execution.status).toBe('SUCCEEDED');
    const admitPolicy = execution.states.indexOf('AdmitPolicy');
    expect(execution.states.slice(admitPolicy, admitPolicy + 4)).toEqual([
      'AdmitPolicy',
      'AwaitDue',
      'AdmitPolicy',
      'FormDecision',
    ]);
    const entries = await stack.ledger.forIntent(stack.ledgerName, submitted.intentId);
    expect(entries.filter((e) => e.entry.type.startsWith('admission.')).map((e) => e.entry.type)).toEqual([
      'admission.scheduled',
      'admission.admitted',
    ]);
    const started = entries.find((e) => e.entry.type === 'release.started');
    expect(Date.parse(started!.entry.timestamp)).toBeGreaterThanOrEqual(
      Math.ceil(notBefore.getTime() / 1000) * 1000,
    );
    expect((await stack.status(submitted.intentId))?.status).toBe('released');
  });
});
