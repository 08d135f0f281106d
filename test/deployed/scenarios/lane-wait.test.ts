import { type DeployedStack, deployStack } from '../harness/deployed-stack.js';
import {
  declaredAt,
  example,
  type Intent,
  personCalling,
  reviewerCalling,
  suiteEnvironment,
  unblockedStart,
} from '../harness/scenario-support.js';

/**
 * Waiting for a lane without polling, as deployed: an intent queued behind one parked for its review parks on
 * AwaitLane's task token, and the holder's Learn sends the token back once it has released — through Step
 * Functions' SendTaskSuccess under the Learn function's own role.
 */
describe('a queued intent parks on a task token and is woken by the intent it waits for', () => {
  let stack: DeployedStack;

  beforeAll(async () => {
    stack = await deployStack({ ...suiteEnvironment(), start: unblockedStart(['04-high-risk-review.json']) });
  });
  afterAll(async () => {
    console.log(stack.services.iamSummary());
    await stack?.stop();
  });

  const approve = (intentId: string, intent: Intent) =>
    stack.clock.busy(() =>
      stack.api.request('POST', `/intents/${encodeURIComponent(intentId)}/review`, {
        body: { decision: 'approve', reason: 'DPIA checked' },
        caller: reviewerCalling(intent),
      }),
    );

  test('queued once, parked once, woken by Learn, admitted once, released', async () => {
    // Prepare: the holder waits for its reviewer of record, holding patient-records' lane.
    const holder = declaredAt(example('04-high-risk-review.json'), stack.clock.now());
    const first = await stack.submit(holder, personCalling('victor'));
    expect(await stack.parkedForReview(first.intentId)).toBe(true);
    const waiter = declaredAt(
      { ...example('04-high-risk-review.json'), title: 'The same lane, submitted while it is held' },
      stack.clock.now(),
    );

    // Act
    const second = await stack.submit(waiter, personCalling('victor'));
    const parkedForLane = () => {
      const execution = stack.stepFunctions.executions.get(second.executionArn!);
      return (
        execution?.states.at(-1) === 'AwaitLane' &&
        stack.stepFunctions.waitingTokens.some((token) => token.startsWith(`${execution.executionArn}#`))
      );
    };
    await stack.until(async () => parkedForLane());
    const whileHeld = stack.stepFunctions.executions.get(second.executionArn!)!.states.slice();
    expect((await approve(first.intentId, holder)).statusCode).toBe(200);
    expect((await stack.finished(first.intentId)).status).toBe('SUCCEEDED');
    await stack.until(async () => (await stack.entryTypes(second.intentId)).includes('review.requested'));
    expect((await approve(second.intentId, waiter)).statusCode).toBe(200);
    const execution = await stack.finished(second.intentId);

    // Assess: parked, not polling, while the holder waited; woken once; one entry each way.
    expect(whileHeld.slice(-2)).toEqual(['AdmitPolicy', 'AwaitLane']);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.states.filter((s) => s === 'AwaitLane')).toHaveLength(1);
    expect(execution.states.filter((s) => s === 'AdmitPolicy')).toHaveLength(2);
    const types = await stack.entryTypes(second.intentId);
    expect(types.filter((t) => t.startsWith('admission.'))).toEqual([
      'admission.queued',
      'admission.admitted',
    ]);
    expect((await stack.status(second.intentId))?.status).toBe('released');
    expect(stack.services.deniedCalls()).toEqual([]);
  });
});
