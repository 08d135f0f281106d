import { type DeployedStack, deployStack } from '../harness/deployed-stack.js';
import {
  declaredAt,
  example,
  personCalling,
  suiteEnvironment,
  unblockedStart,
} from '../harness/scenario-support.js';

/**
 * An emergency that arrives while its lane's holder waits for CI's check results (the holder has no deployment to
 * stop yet) parks on it only until that deployment starts: the holder's StartRelease sends its park token back
 * (SendTaskSuccess, the start-release function's one Step Functions grant), and the emergency, admitted again,
 * preempts the release instead of waiting for its whole rollout and bake.
 */
describe('an emergency behind a holder waiting for its checks, deployed', () => {
  let stack: DeployedStack;
  const file = '06-deal-desk-pricing.json';
  const check = 'quote-regression-suite';

  beforeAll(async () => {
    stack = await deployStack({ ...suiteEnvironment(), start: unblockedStart([file]) });
  });
  afterAll(async () => {
    console.log(stack.services.iamSummary());
    await stack?.stop();
  });

  const payloads = async (intentId: string, type: string) =>
    (await stack.ledger.forIntent(stack.ledgerName, intentId))
      .filter((stored) => stored.entry.type === type)
      .map((stored) => stored.entry.payload);

  test('is admitted once the holder has started its deployment, and preempts it', async () => {
    // Prepare: the routine change parks for its check result, holding the lane; the fix queues behind it.
    const pricing = example(file);
    const { testResults: _attached, ...withoutResults } = pricing;
    const routine = await stack.submit(declaredAt(withoutResults, stack.clock.now()), personCalling('dana'));
    await stack.until(async () =>
      (await stack.entryTypes(routine.intentId)).includes('verification.awaiting-checks'),
    );
    const fix = await stack.submit(
      declaredAt(
        {
          ...pricing,
          title: 'Put the EMEA discount cap back to 20% now',
          authority: { ...(pricing.authority as object), emergencyOverride: true },
        },
        stack.clock.now(),
      ),
      personCalling('dana'),
    );
    await stack.until(async () => (await stack.entryTypes(fix.intentId)).includes('admission.queued'));

    // Act: CI reports the routine's check; it is verified and starts its deployment.
    const reported = await stack.clock.busy(() =>
      stack.api.request('PUT', `/intents/${encodeURIComponent(routine.intentId)}/checks/${check}`, {
        caller: personCalling('dana'),
        body: { status: 'passed' },
      }),
    );
    const fixEnded = await stack.finished(fix.intentId);
    const routineEnded = await stack.finished(routine.intentId);

    // Assess: the fix waited for the routine's deployment to start, not for it to end: it preempted it.
    expect(reported.statusCode).toBe(201);
    expect([fix.statusCode, routine.statusCode]).toEqual([202, 202]);
    expect(await payloads(fix.intentId, 'admission.queued')).toEqual([
      expect.objectContaining({
        nonInterference: expect.objectContaining({
          preemption: expect.objectContaining({ action: 'waits', intentId: routine.intentId }),
        }),
      }),
    ]);
    expect(await payloads(fix.intentId, 'admission.admitted')).toEqual([
      expect.objectContaining({
        nonInterference: expect.objectContaining({
          preemption: expect.objectContaining({ action: 'preempted', intentId: routine.intentId }),
        }),
      }),
    ]);
    expect(await stack.entryTypes(routine.intentId)).toContain('release.preempted');
    expect([fixEnded.status, routineEnded.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect((await stack.status(fix.intentId))?.status).toBe('released');
  });
});
