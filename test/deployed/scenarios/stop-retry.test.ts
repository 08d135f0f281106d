import { type DeployedStack, deployStack } from '../harness/deployed-stack.js';
import {
  declaredAt,
  example,
  personCalling,
  suiteEnvironment,
  unblockedStart,
} from '../harness/scenario-support.js';

/**
 * Stopping and retrying, as deployed: the stop route writes its request and resumes the wait the intent is
 * parked in through Step Functions under its own role — SendTaskSuccess to a lane park, SendTaskFailure to a
 * review wait — and the stages read the request; a releasing intent is stopped by CheckRelease and rolled back
 * by AppConfig; an intent scheduled a day ahead, parked on AwaitDue's task token, is withdrawn at once rather than
 * at its due instant. Each concludes `stopped` in an execution that ends sealed, with no task token left waiting;
 * a retry starts the next attempt's execution.
 */
describe('POST /intents/{id}/stop and /retry on the deployed stack', () => {
  let stack: DeployedStack;

  beforeAll(async () => {
    stack = await deployStack({
      ...suiteEnvironment(),
      start: unblockedStart(['04-high-risk-review.json', '01-low-risk-flag.json']),
    });
  });
  afterAll(async () => {
    console.log(stack.services.iamSummary());
    await stack?.stop();
  });

  const post = (path: string, who: string, body: unknown) =>
    stack.clock.busy(() => stack.api.request('POST', path, { caller: personCalling(who), body }));
  const tokensOf = (executionArn: string | undefined) =>
    stack.stepFunctions.waitingTokens.filter((token) => token.startsWith(`${executionArn}#`));

  test('a queued intent and one waiting for review are withdrawn; the queued one is retried', async () => {
    // Prepare: the holder, its check left to CI, parks for the result holding the lane (a review wait holds none);
    // the waiter queues for the same lane and parks on AwaitLane.
    const { testResults: _attached, ...withoutResults } = example('04-high-risk-review.json');
    const holder = await stack.submit(declaredAt(withoutResults, stack.clock.now()), personCalling('victor'));
    await stack.until(async () =>
      (await stack.entryTypes(holder.intentId)).includes('verification.awaiting-checks'),
    );
    await stack.until(async () => tokensOf(holder.executionArn).length > 0);
    const waiter = await stack.submit(
      declaredAt(
        { ...example('04-high-risk-review.json'), title: 'The same lane, submitted while it is held' },
        stack.clock.now(),
      ),
      personCalling('victor'),
    );
    await stack.until(async () => tokensOf(waiter.executionArn).length > 0);

    // Act
    const refused = await post(`/intents/${encodeURIComponent(waiter.intentId)}/stop`, 'alice', {
      reason: 'x',
    });
    const queued = await post(`/intents/${encodeURIComponent(waiter.intentId)}/stop`, 'victor', {
      reason: 'superseded',
    });
    const waiterRun = await stack.finished(waiter.intentId);
    // The holder's requester reports its check: Verify passes and the holder waits for its reviewer.
    const reported = await stack.clock.busy(() =>
      stack.api.request(
        'PUT',
        `/intents/${encodeURIComponent(holder.intentId)}/checks/hipaa-audit-controls`,
        {
          caller: personCalling('victor'),
          body: { status: 'passed' },
        },
      ),
    );
    expect(await stack.parkedForReview(holder.intentId)).toBe(true);
    const reviewing = await post(`/intents/${encodeURIComponent(holder.intentId)}/stop`, 'victor', {
      reason: 'the audit moved',
    });
    const holderRun = await stack.finished(holder.intentId);
    const retried = await post(`/intents/${encodeURIComponent(waiter.intentId)}/retry`, 'victor', {});
    const attempt = String((retried.json() as { intentId: string }).intentId);
    await stack.until(async () => (await stack.entryTypes(attempt)).includes('review.requested'));

    // Assess
    expect(refused.statusCode).toBe(403);
    expect([queued.statusCode, reported.statusCode, reviewing.statusCode]).toEqual([202, 201, 202]);
    for (const [run, id] of [
      [waiterRun, waiter.intentId],
      [holderRun, holder.intentId],
    ] as const) {
      expect(run.status).toBe('SUCCEEDED');
      expect(run.states.at(-1)).toBe('SignCheckpoint');
      expect((await stack.status(id))?.status).toBe('stopped');
      const types = await stack.entryTypes(id);
      expect(types.slice(-3)).toEqual(['intent.stopped', 'intent.concluded', 'checkpoint.signed']);
    }
    expect(waiterRun.states.slice(-4)).toEqual(['AwaitLane', 'AdmitPolicy', 'Learn', 'SignCheckpoint']);
    expect(holderRun.states).toContain('AwaitChecks');
    expect(holderRun.states).toContain('AwaitReview');
    expect(tokensOf(waiter.executionArn)).toEqual([]);
    expect(tokensOf(holder.executionArn)).toEqual([]);
    expect(retried.statusCode).toBe(202);
    expect(attempt).toBe(`${waiter.intentId}:attempt-2`);
    // The attempt waits for its reviewer (holding no lane): stopped too, it concludes `stopped`.
    const stopAttempt = await post(`/intents/${encodeURIComponent(attempt)}/stop`, 'victor', {
      reason: 'done',
    });
    expect(stopAttempt.statusCode).toBe(202);
    expect((await stack.finished(attempt)).status).toBe('SUCCEEDED');
    expect((await stack.status(attempt))?.status).toBe('stopped');
    expect(stack.services.deniedCalls()).toEqual([]);
  });

  test('an intent scheduled a day ahead is withdrawn when stopped, not at its due instant', async () => {
    // Prepare: scheduled for tomorrow, it parks on AwaitDue's task token (a Wait state could not be ended early).
    const now = stack.clock.now();
    const notBefore = new Date(now.getTime() + 86_400_000);
    const intent = declaredAt(
      {
        ...example('01-low-risk-flag.json'),
        title: 'Enable the onboarding checklist tomorrow, unless stopped',
      },
      now,
    );
    const submitted = await stack.submit(
      { ...intent, constraints: { ...(intent.constraints as object), notBefore: notBefore.toISOString() } },
      personCalling('alice'),
    );
    await stack.until(async () => tokensOf(submitted.executionArn).length > 0);
    const whileParked = stack.stepFunctions.executions.get(submitted.executionArn!)!.states.slice();

    // Act
    const stopped = await post(`/intents/${encodeURIComponent(submitted.intentId)}/stop`, 'alice', {
      reason: 'the launch moved',
    });
    const run = await stack.finished(submitted.intentId);

    // Assess: ended by the stop, sealed, a day before its due instant, with the stop on the ledger.
    expect(stopped.statusCode).toBe(202);
    expect(whileParked.slice(-2)).toEqual(['AdmitPolicy', 'AwaitDue']);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.states.slice(-4)).toEqual(['AwaitDue', 'AdmitPolicy', 'Learn', 'SignCheckpoint']);
    const entries = await stack.ledger.forIntent(stack.ledgerName, submitted.intentId);
    const types = entries.map((e) => e.entry.type);
    expect(types.filter((t) => t.startsWith('admission.'))).toEqual(['admission.scheduled']);
    expect(types.slice(-3)).toEqual(['intent.stopped', 'intent.concluded', 'checkpoint.signed']);
    const stop = entries.find((e) => e.entry.type === 'intent.stopped')!;
    expect(stop.entry.payload).toMatchObject({ by: 'alice', action: 'withdrawn' });
    expect(Date.parse(stop.entry.timestamp)).toBeLessThan(notBefore.getTime());
    expect(stack.clock.now().getTime()).toBeLessThan(notBefore.getTime());
    expect((await stack.status(submitted.intentId))?.status).toBe('stopped');
    expect(tokensOf(submitted.executionArn)).toEqual([]);
    expect(stack.services.deniedCalls()).toEqual([]);
  });

  test('a releasing intent is stopped by CheckRelease and rolled back', async () => {
    // Prepare and act: the stop is sent as the clock first moves past the release's start, so it reaches
    // CheckRelease mid-rollout (the jump's hooks run before the poll's Wait ends).
    const intent = declaredAt(example('01-low-risk-flag.json'), stack.clock.now());
    let id = '';
    let stopped: Awaited<ReturnType<typeof stack.api.request>> | undefined;
    stack.clock.onAdvance(async () => {
      if (stopped || !id || !(await stack.entryTypes(id)).includes('release.started')) return;
      stopped = await stack.api.request('POST', `/intents/${encodeURIComponent(id)}/stop`, {
        caller: personCalling('alice'),
        body: { reason: 'wrong audience' },
      });
    });
    const submitted = await stack.submit(intent, personCalling('alice'));
    id = submitted.intentId;
    await stack.until(
      async () => stopped !== undefined || (await stack.entryTypes(id)).includes('intent.concluded'),
    );
    if (!stopped) {
      const entries = await stack.ledger.forIntent(stack.ledgerName, id);
      console.log(
        JSON.stringify(entries.map((e) => [e.entry.type, e.entry.payload]).slice(0, 8)).slice(0, 3000),
      );
      throw new Error('the release concluded before the stop was sent');
    }
    const run = await stack.finished(id);

    // Assess
    expect(stopped.statusCode).toBe(202);
    expect((stopped.json() as { was: string }).was).toBe('releasing');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.states).toEqual(expect.arrayContaining(['CheckRelease', 'StopRelease', 'Observe', 'Learn']));
    const types = await stack.entryTypes(id);
    expect(types).toEqual(expect.arrayContaining(['release.stopped', 'intent.stopped', 'intent.concluded']));
    expect((await stack.status(id))?.status).toBe('stopped');
    expect(stack.services.deniedCalls()).toEqual([]);
  });
});
