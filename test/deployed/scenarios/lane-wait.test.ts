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
 * Waiting for a lane without polling, as deployed: an intent queued behind one whose fail-fast gate waits for CI
 * parks on AwaitLane's task token; once CI reports, the holder's Verify passes and its review wait gives up the
 * lane, sending the token back — through Step Functions' SendTaskSuccess under the AwaitReview function's own
 * role — so nobody waits on the holder's reviewer. Each approval is admitted again before it releases. Behind a
 * lease whose holder is gone, the park's own timeout (TimeoutSecondsPath: the seconds until that lease lapses)
 * wakes it when the lease expires.
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

  test('queued once, parked once, woken when the holder gives up the lane for its review, released', async () => {
    // Prepare: the holder's check is left to CI: its fail-fast gate parks for it, holding patient-records' lane.
    const { testResults: _attached, ...withoutResults } = example('04-high-risk-review.json');
    const holder = declaredAt(withoutResults, stack.clock.now());
    const first = await stack.submit(holder, personCalling('victor'));
    await stack.until(async () => {
      const execution = stack.stepFunctions.executions.get(first.executionArn!);
      return (
        execution?.states.at(-1) === 'AwaitChecks' &&
        stack.stepFunctions.waitingTokens.some((token) => token.startsWith(`${execution.executionArn}#`))
      );
    });
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
    // CI reports the holder's check (its requester may): the holder's Verify passes and it waits for its reviewer.
    const reported = await stack.clock.busy(() =>
      stack.api.request('PUT', `/intents/${encodeURIComponent(first.intentId)}/checks/hipaa-audit-controls`, {
        caller: personCalling('victor'),
        body: { status: 'passed' },
      }),
    );
    expect(reported.statusCode).toBe(201);
    expect(await stack.parkedForReview(first.intentId)).toBe(true);
    // Woken by the holder's review wait, the waiter is admitted and waits for its own reviewer, the holder's still
    // undecided.
    expect(await stack.parkedForReview(second.intentId)).toBe(true);
    const waiterBeforeApproval = await stack.entryTypes(second.intentId);
    expect((await approve(second.intentId, waiter)).statusCode).toBe(200);
    const execution = await stack.finished(second.intentId);
    expect((await approve(first.intentId, holder)).statusCode).toBe(200);
    const holderRun = await stack.finished(first.intentId);

    // Assess: parked, not polling, while the holder held the lane; woken once; admitted again after its approval.
    expect(whileHeld.slice(-2)).toEqual(['AdmitPolicy', 'AwaitLane']);
    expect(waiterBeforeApproval).toContain('admission.admitted');
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.states.filter((s) => s === 'AwaitLane')).toHaveLength(1);
    expect(execution.states.filter((s) => s === 'AdmitPolicy')).toHaveLength(3);
    const types = await stack.entryTypes(second.intentId);
    expect(types.filter((t) => t.startsWith('admission.'))).toEqual([
      'admission.queued',
      'admission.admitted',
      'admission.admitted',
    ]);
    expect(types.indexOf('review.approved')).toBeLessThan(types.lastIndexOf('admission.admitted'));
    expect((await stack.status(second.intentId))?.status).toBe('released');
    expect(holderRun.status).toBe('SUCCEEDED');
    expect(holderRun.states).toEqual(expect.arrayContaining(['AwaitChecks', 'AwaitReview', 'StartRelease']));
    expect((await stack.status(first.intentId))?.status).toBe('released');
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
