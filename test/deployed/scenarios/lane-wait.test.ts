import { loadCatalog } from '../../../catalog/index.js';
import { leaseGraceSeconds } from '../../../lambdas/core/admission/non-interference.js';
import { laneOf } from '../../../lambdas/core/lane.js';
import { type InFlightRecord, stateKeys } from '../../../lambdas/core/state-keys.js';
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
 * Functions' SendTaskSuccess under the Learn function's own role. Behind a lease whose holder is gone, the park's
 * own timeout (TimeoutSecondsPath: the seconds until that lease lapses) wakes it when the lease expires.
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

  test('queued behind an orphaned lease, it is woken when the lease expires and admitted once', async () => {
    // Prepare: a lease on launch-flags' lane whose execution is gone; it expires in 40 minutes.
    const now = stack.clock.now().getTime();
    const expiresAt = now + 40 * 60_000;
    const predictedDurationSeconds = 600;
    const admittedAt = new Date(
      expiresAt - (predictedDurationSeconds + leaseGraceSeconds) * 1000,
    ).toISOString();
    const orphan: InFlightRecord = {
      intentId: 'int-crashed-holder',
      lane: laneOf(loadCatalog().services['launch-flags']!),
      blastRadius: ['launch-flags'],
      status: 'admitted',
      admittedAt,
      arrival: 0,
      arrivedAt: admittedAt,
      lastSeenAt: admittedAt,
      predictedDurationSeconds,
      strategy: 'itv.Canary10Percent20Minutes',
      valuePerHourUsd: 1,
    };
    const place = stateKeys.inFlightIntent(orphan.intentId);
    await stack.state.put(place.pk, place.sk, orphan);
    const waiter = await stack.submit(
      declaredAt(
        { ...example('01-low-risk-flag.json'), title: 'Behind a holder that crashed' },
        stack.clock.now(),
      ),
      personCalling('alice'),
    );
    await stack.until(async () =>
      stack.stepFunctions.waitingTokens.some((token) => token.startsWith(`${waiter.executionArn}#`)),
    );

    // Act: time passes a minute beyond the expiry.
    await stack.clock.busy(() => stack.clock.sleep(expiresAt + 60_000 - stack.clock.now().getTime()));
    const execution = await stack.finished(waiter.intentId);

    // Assess: the park timed out at the lease's expiry, not after six hours; one entry each way.
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.states.filter((s) => s === 'AwaitLane')).toHaveLength(1);
    const admissions = (await stack.ledger.forIntent(stack.ledgerName, waiter.intentId)).filter((e) =>
      e.entry.type.startsWith('admission.'),
    );
    expect(admissions.map((e) => e.entry.type)).toEqual(['admission.queued', 'admission.admitted']);
    // The clock runs in real time between jumps: the park was counted from a moment after `now`.
    const parkSeconds = Number(
      (admissions[0]!.entry.payload as { retryAfterSeconds: number }).retryAfterSeconds,
    );
    expect(parkSeconds).toBeLessThanOrEqual(40 * 60 + 1);
    expect(parkSeconds).toBeGreaterThan(30 * 60);
    const admittedAtMs = Date.parse(admissions[1]!.entry.timestamp);
    expect(admittedAtMs).toBeGreaterThan(expiresAt);
    // The emulated clock runs in real time between jumps: the re-check lands a moment after the jump it woke on.
    expect(admittedAtMs).toBeLessThan(expiresAt + 2 * 60_000);
    expect(admissions[1]?.entry.payload).toMatchObject({
      nonInterference: { abandoned: ['int-crashed-holder'] },
    });
    expect((await stack.status(waiter.intentId))?.status).toBe('released');
    expect(stack.services.deniedCalls()).toEqual([]);
  });
});
