import { readFileSync } from 'node:fs';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { LaneBusyError, ReviewRejectedError, TransientError } from '../../lambdas/core/errors.js';
import {
  MonitorsInAlarmError,
  MonitorsStillObservingError,
  StopRefusedError,
} from '../../lambdas/core/release/errors.js';
import { withHostTimedTasks } from '../../statemachines/runner-timeouts.js';
import { type PipelineTaskState, pipelineTaskStates } from '../../statemachines/task-states.js';

// aws-local-stepfunctions 3 calls Promise.withResolvers, which Node 20 lacks.
const promiseStatics = Promise as unknown as { withResolvers?: () => unknown };
promiseStatics.withResolvers ??= () => {
  let resolve: unknown;
  let reject: unknown;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

type Json = Record<string, unknown>;
type Stub = (input: Json, call: number) => unknown;

// As every host runs it: the Tasks whose timeout comes from the state are timed by the host, not the runner.
const asl = withHostTimedTasks(
  JSON.parse(readFileSync(new URL('../../statemachines/pipeline.asl.json', import.meta.url), 'utf8')),
);
// Validated once here, as Step Functions validates a machine when it is created, not on each execution: the
// runner's validator costs most of a second of CPU per construction (statemachines/validated-definition.ts).
new StateMachine(asl);

const happyPath: Record<PipelineTaskState, Stub> = {
  DeclareIntent: () => ({ intentId: 'intent-1', verdict: 'complete' }),
  ValidateStructure: () => ({ verdict: 'valid' }),
  AdmitPolicy: () => ({ verdict: 'admitted', retryAfterSeconds: 15 }),
  AwaitLane: () => ({ clear: false }),
  AwaitDue: () => ({ stopped: false }),
  AwaitChecks: () => ({ woken: false }),
  FormDecision: () => ({ decisionId: 'decision-1' }),
  Verify: () => ({ passed: true, requiresReview: false }),
  AwaitReview: () => ({ decision: 'approved', reviewer: 'alice' }),
  StartRelease: () => ({ deploymentId: '1', done: false, action: 'continue', pollSeconds: 30 }),
  CheckRelease: () => ({ deploymentId: '1', done: true, action: 'continue', pollSeconds: 30 }),
  StopRelease: () => ({ deploymentId: '1', done: true, action: 'stop', pollSeconds: 30 }),
  AwaitReleaseDecision: () => ({ decided: { decision: 'hold' } }),
  ApplyReleaseDecision: () => ({ deploymentId: '1', done: true, action: 'continue', pollSeconds: 30 }),
  Observe: () => ({ bundleDigest: 'sha256:abc' }),
  Learn: () => ({ confidence: 0.9 }),
  SignCheckpoint: () => ({ size: 9 }),
  RecordFailure: () => ({ seq: 7, intentId: 'intent-1' }),
  RestoreMonitors: () => ({ outcome: 'none', alarms: [] }),
};

function named(ErrorClass: new (message: string) => Error, message: string): Error {
  return new ErrorClass(message);
}

/** Runs the committed ASL with stub handlers; returns the states entered, each task's inputs and the outcome. */
async function runPipeline(stubs: Partial<Record<PipelineTaskState, Stub>> = {}) {
  const inputs: Partial<Record<PipelineTaskState, Json[]>> = {};
  const handlers = Object.fromEntries(
    pipelineTaskStates.map((state) => [
      state,
      async (input: unknown) => {
        const seen = inputs[state] ?? [];
        inputs[state] = seen;
        seen.push(input as Json);
        return (stubs[state] ?? happyPath[state])(input as Json, seen.length) as never;
      },
    ]),
  );
  const noDelay = Object.fromEntries(pipelineTaskStates.map((state) => [state, 0]));
  const execution = new StateMachine(asl, { validationOptions: { noValidate: true } }).run(
    { intent: { title: 'raise the limit' }, source: 'cli', submittedAt: '2026-11-02T10:00:00Z' },
    {
      overrides: {
        taskResourceLocalHandlers: handlers,
        waitTimeOverrides: { WaitForRelease: 0 },
        retryIntervalOverrides: noDelay,
      },
      context: { Task: { Token: 'task-token-1' } },
    },
  );
  const entered: string[] = [];
  for await (const event of execution.eventLogs) {
    if (event.type === 'StateEntered') entered.push(event.state.name);
  }
  const outcome = await execution.result.then(
    (output) => ({ output: output as Json, error: undefined }),
    (error: unknown) => ({ output: undefined, error: error as Error }),
  );
  return { entered, inputs, ...outcome };
}

const learnsAndSucceeds = ['Learn', 'SealIntent', 'SignCheckpoint', 'Sealed', 'Done'];
/** The failure path: recorded, monitors given back, then sealed like any other intent before the Fail state. */
const failsSealed = [
  'RecordFailure',
  'RestoreMonitors',
  'SealOnce',
  'SealFailedIntent',
  'SignCheckpoint',
  'Sealed',
  'PipelineFailed',
];

describe('pipeline routing (committed ASL on aws-local-stepfunctions)', () => {
  test('a complete, valid, admitted, passing intent is released, observed, learned and checkpointed', async () => {
    // Prepare: every stage takes the happy path.
    // Act
    const { entered, inputs, output, error } = await runPipeline();
    // Assess
    expect(error).toBeUndefined();
    expect(entered).toEqual([
      'DeclareIntent',
      'IsComplete',
      'ValidateStructure',
      'IsStructurallyValid',
      'AdmitPolicy',
      'AdmissionOutcome',
      'FormDecision',
      'Verify',
      'VerificationOutcome',
      'StartRelease',
      'WaitForRelease',
      'CheckRelease',
      'ReleaseProgress',
      'Observe',
      ...learnsAndSucceeds,
    ]);
    expect(Object.keys(output ?? {})).toEqual(
      expect.arrayContaining(['intent', 'declared', 'structure', 'admission', 'decision', 'verification']),
    );
    expect(output).toMatchObject({
      release: { done: true },
      observation: {},
      learning: {},
      checkpoint: { size: 9 },
    });
    expect(inputs.SignCheckpoint).toEqual([{ intentId: 'intent-1' }]);
    expect(inputs.Learn?.[0]).toMatchObject({ source: 'cli', declared: { intentId: 'intent-1' } });
  });

  test.each([
    [
      'an incomplete intent',
      'IsComplete',
      { DeclareIntent: () => ({ intentId: 'intent-1', verdict: 'incomplete' }) },
    ],
    [
      'a structurally invalid change',
      'IsStructurallyValid',
      { ValidateStructure: () => ({ verdict: 'invalid' }) },
    ],
    [
      'a change that needs a schema update first',
      'IsStructurallyValid',
      { ValidateStructure: () => ({ verdict: 'schema-update-required' }) },
    ],
    ['a policy rejection', 'AdmissionOutcome', { AdmitPolicy: () => ({ verdict: 'rejected' }) }],
    [
      'failed verification',
      'VerificationOutcome',
      { Verify: () => ({ passed: false, requiresReview: false }) },
    ],
  ] as Array<[string, string, Partial<Record<PipelineTaskState, Stub>>]>)(
    '%s: %s routes to Learn and the execution still ends in Done',
    async (_label, decidingState, stubs) => {
      // Act
      const { entered, inputs, error } = await runPipeline(stubs);
      // Assess
      expect(error).toBeUndefined();
      expect(entered.slice(entered.indexOf(decidingState) + 1)).toEqual(learnsAndSucceeds);
      expect(inputs.StartRelease).toBeUndefined();
    },
  );

  test('a queued intent waits for its lane and is admitted again, never preempting', async () => {
    // Prepare
    const admit: Stub = (_input, call) =>
      call === 1
        ? { verdict: 'queued', retryAfterSeconds: 20 }
        : { verdict: 'admitted', retryAfterSeconds: 15 };
    // Act
    const { entered, inputs, error } = await runPipeline({ AdmitPolicy: admit });
    // Assess
    expect(error).toBeUndefined();
    expect(entered.slice(4, 10)).toEqual([
      'AdmitPolicy',
      'AdmissionOutcome',
      'AwaitLane',
      'AdmitPolicy',
      'AdmissionOutcome',
      'FormDecision',
    ]);
    expect(inputs.AdmitPolicy?.[1]).toMatchObject({ admission: { verdict: 'queued' } });
    expect(inputs.AwaitLane?.[0]).toMatchObject({
      Payload: { taskToken: 'task-token-1', admission: { verdict: 'queued' } },
    });
  });

  test('an approved change whose lane was taken meanwhile queues for it, then releases; one refused on its return learns', async () => {
    // Prepare: admitted, then after the review queued once; and admitted, then refused after the review (a freeze).
    const verify: Stub = () => ({ passed: true, requiresReview: true });
    const queuesOnReturn: Stub = (_input, call) =>
      call === 2
        ? { verdict: 'queued', retryAfterSeconds: 20 }
        : { verdict: 'admitted', retryAfterSeconds: 15 };
    const refusedOnReturn: Stub = (_input, call) =>
      call === 2
        ? { verdict: 'rejected', retryAfterSeconds: 15 }
        : { verdict: 'admitted', retryAfterSeconds: 15 };
    // Act
    const queued = await runPipeline({ Verify: verify, AdmitPolicy: queuesOnReturn });
    const refused = await runPipeline({ Verify: verify, AdmitPolicy: refusedOnReturn });
    // Assess
    expect(queued.error).toBeUndefined();
    const afterReview = queued.entered.slice(queued.entered.indexOf('AwaitReview'));
    expect(afterReview.slice(0, 7)).toEqual([
      'AwaitReview',
      'AdmitPolicy',
      'AdmissionOutcome',
      'AwaitLane',
      'AdmitPolicy',
      'AdmissionOutcome',
      'StartRelease',
    ]);
    expect(queued.entered.filter((state) => state === 'FormDecision')).toHaveLength(1);
    expect(refused.error).toBeUndefined();
    const refusedAfterReview = refused.entered.slice(refused.entered.indexOf('AwaitReview'));
    expect(refusedAfterReview.slice(0, 4)).toEqual([
      'AwaitReview',
      'AdmitPolicy',
      'AdmissionOutcome',
      'Learn',
    ]);
    expect(refused.entered).not.toContain('StartRelease');
  });

  test('a park that times out re-checks admission; any other failure of the park is recorded', async () => {
    // Prepare
    const admit: Stub = (_input, call) =>
      call === 1
        ? { verdict: 'queued', retryAfterSeconds: 20 }
        : { verdict: 'admitted', retryAfterSeconds: 15 };
    const timedOut = () => {
      const timeout = new Error('the park ended');
      timeout.name = 'States.Timeout';
      throw timeout;
    };
    const broken = () => {
      throw new Error('the state table refused the token');
    };
    // Act
    const afterTimeout = await runPipeline({ AdmitPolicy: admit, AwaitLane: timedOut });
    const afterFailure = await runPipeline({ AdmitPolicy: admit, AwaitLane: broken });
    // Assess
    expect(afterTimeout.error).toBeUndefined();
    expect(afterTimeout.entered.slice(6, 8)).toEqual(['AwaitLane', 'AdmitPolicy']);
    expect(afterTimeout.inputs.AdmitPolicy?.[1]).toMatchObject({ laneWait: { Error: 'States.Timeout' } });
    expect(afterFailure.entered).toContain('RecordFailure');
    expect(afterFailure.entered).not.toContain('FormDecision');
  });

  test('a scheduled intent parks until its due instant (the park times out) or a stop wakes it; admission runs again', async () => {
    // Prepare
    const admit: Stub = (_input, call) =>
      call === 1
        ? { verdict: 'scheduled', retryAfterSeconds: 86_400, dueAt: '2026-11-03T10:00:00Z' }
        : { verdict: 'admitted', retryAfterSeconds: 15 };
    const due = () => {
      const timeout = new Error('due');
      timeout.name = 'States.Timeout';
      throw timeout;
    };
    // Act
    const atItsTime = await runPipeline({ AdmitPolicy: admit, AwaitDue: due });
    const stopped = await runPipeline({ AdmitPolicy: admit, AwaitDue: () => ({ stopped: true }) });
    // Assess
    expect(atItsTime.error).toBeUndefined();
    expect(atItsTime.entered.slice(4, 10)).toEqual([
      'AdmitPolicy',
      'AdmissionOutcome',
      'AwaitDue',
      'AdmitPolicy',
      'AdmissionOutcome',
      'FormDecision',
    ]);
    expect(atItsTime.inputs.AwaitDue?.[0]).toMatchObject({
      Payload: { taskToken: 'task-token-1', intentId: 'intent-1', admission: { verdict: 'scheduled' } },
    });
    expect(atItsTime.inputs.AdmitPolicy?.[1]).toMatchObject({ dueWait: { Error: 'States.Timeout' } });
    expect(stopped.inputs.AdmitPolicy?.[1]).toMatchObject({ dueWait: { stopped: true } });
  });

  test('a fail-fast gate lacking check results parks until a report wakes it or its deadline passes; Verify runs again', async () => {
    // Prepare
    const awaiting = { missing: ['e2e'], deadline: '2026-11-02T12:00:00Z', waitSeconds: 7200 };
    const verify: Stub = (_input, call) =>
      call === 1
        ? { passed: false, requiresReview: false, results: [], awaitingChecks: awaiting }
        : { passed: true, requiresReview: false, results: [] };
    const deadline = () => {
      const timeout = new Error('deadline');
      timeout.name = 'States.Timeout';
      throw timeout;
    };
    // Act
    const reported = await runPipeline({ Verify: verify });
    const timedOut = await runPipeline({ Verify: verify, AwaitChecks: deadline });
    // Assess
    expect(reported.error).toBeUndefined();
    expect(reported.entered.slice(7, 13)).toEqual([
      'Verify',
      'VerificationOutcome',
      'AwaitChecks',
      'Verify',
      'VerificationOutcome',
      'StartRelease',
    ]);
    expect(reported.inputs.AwaitChecks?.[0]).toMatchObject({
      Payload: { taskToken: 'task-token-1', intentId: 'intent-1', awaiting },
    });
    expect(reported.inputs.Verify?.[1]).toMatchObject({ checksWait: { woken: false } });
    expect(timedOut.error).toBeUndefined();
    expect(timedOut.inputs.Verify?.[1]).toMatchObject({ checksWait: { Error: 'States.Timeout' } });
    expect(timedOut.entered.slice(-6)).toEqual(['Observe', ...learnsAndSucceeds]);
  });

  test('the release is polled until it is done', async () => {
    // Prepare
    const check: Stub = (_input, call) => ({ done: call >= 3, action: 'continue', pollSeconds: 5 });
    // Act
    const { entered, inputs, error } = await runPipeline({ CheckRelease: check });
    // Assess
    expect(error).toBeUndefined();
    expect(entered.filter((s) => s === 'WaitForRelease')).toHaveLength(3);
    expect(inputs.CheckRelease).toHaveLength(3);
    expect(entered.slice(-6)).toEqual(['Observe', ...learnsAndSucceeds]);
  });

  test('a held release waits for a decision; a roll-forward is polled like any step, then concludes', async () => {
    // Prepare: the first check finds the held step complete; the decision starts the next step.
    const check: Stub = (_input, call) =>
      call === 1
        ? { done: false, action: 'await-decision', pollSeconds: 5 }
        : { done: true, action: 'continue', pollSeconds: 5 };
    const apply: Stub = () => ({ done: false, action: 'continue', pollSeconds: 5 });
    // Act
    const { entered, inputs, error } = await runPipeline({
      CheckRelease: check,
      ApplyReleaseDecision: apply,
    });
    // Assess
    expect(error).toBeUndefined();
    expect(entered.slice(entered.indexOf('ReleaseProgress'))).toEqual([
      'ReleaseProgress',
      'AwaitReleaseDecision',
      'ApplyReleaseDecision',
      'DecisionOutcome',
      'WaitForRelease',
      'CheckRelease',
      'ReleaseProgress',
      'Observe',
      ...learnsAndSucceeds,
    ]);
    expect(inputs.AwaitReleaseDecision?.[0]).toMatchObject({
      Payload: { taskToken: 'task-token-1', intentId: 'intent-1' },
    });
  });

  test('an expired decision wait (States.Timeout) goes to ApplyReleaseDecision, not to the failure path', async () => {
    // Prepare
    const check: Stub = () => ({ done: false, action: 'await-decision', pollSeconds: 5 });
    const expired: Stub = () => {
      const timeout = new Error('nobody decided');
      timeout.name = 'States.Timeout';
      throw timeout;
    };
    // Act
    const { entered, inputs, error } = await runPipeline({
      CheckRelease: check,
      AwaitReleaseDecision: expired,
    });
    // Assess
    expect(error).toBeUndefined();
    expect(entered.slice(entered.indexOf('AwaitReleaseDecision'))).toEqual([
      'AwaitReleaseDecision',
      'ApplyReleaseDecision',
      'DecisionOutcome',
      'Observe',
      ...learnsAndSucceeds,
    ]);
    expect(inputs.ApplyReleaseDecision?.[0]).toMatchObject({
      releaseDecisionError: { Error: 'States.Timeout' },
    });
    expect(inputs.RecordFailure).toBeUndefined();
  });

  test('a release asked to stop is stopped, then observed and learned from', async () => {
    // Prepare
    const check: Stub = () => ({ done: false, action: 'stop', stopReason: 'alarm', pollSeconds: 5 });
    // Act
    const { entered, inputs, error } = await runPipeline({ CheckRelease: check });
    // Assess
    expect(error).toBeUndefined();
    expect(entered.slice(entered.indexOf('ReleaseProgress'))).toEqual([
      'ReleaseProgress',
      'StopRelease',
      'Observe',
      ...learnsAndSucceeds,
    ]);
    expect(inputs.StopRelease?.[0]).toMatchObject({ release: { action: 'stop', stopReason: 'alarm' } });
  });

  test('a tier that needs a reviewer waits for review, with the task token, intent id and state, is admitted again, then releases', async () => {
    // Prepare
    const verify: Stub = () => ({ passed: true, requiresReview: true });
    // Act
    const { entered, inputs, output, error } = await runPipeline({ Verify: verify });
    // Assess: the review wait gave up the lane, so the approval claims it again; decision and checks stand.
    expect(error).toBeUndefined();
    expect(
      entered.slice(entered.indexOf('VerificationOutcome'), entered.indexOf('VerificationOutcome') + 5),
    ).toEqual(['VerificationOutcome', 'AwaitReview', 'AdmitPolicy', 'AdmissionOutcome', 'StartRelease']);
    expect(entered.filter((state) => state === 'FormDecision')).toHaveLength(1);
    expect(entered.filter((state) => state === 'Verify')).toHaveLength(1);
    expect(inputs.AdmitPolicy?.[1]).toMatchObject({ review: { decision: 'approved', reviewer: 'alice' } });
    expect(inputs.AwaitReview?.[0]).toMatchObject({
      Payload: {
        taskToken: 'task-token-1',
        intentId: 'intent-1',
        state: { source: 'cli', verification: { requiresReview: true } },
      },
    });
    expect(output).toMatchObject({ review: { decision: 'approved', reviewer: 'alice' } });
  });

  test('a reviewer rejection is caught into $.reviewError and learned from', async () => {
    // Prepare
    const verify: Stub = () => ({ passed: true, requiresReview: true });
    const review: Stub = () => {
      throw named(ReviewRejectedError, 'rejected by bob');
    };
    // Act
    const { entered, inputs, error } = await runPipeline({ Verify: verify, AwaitReview: review });
    // Assess
    expect(error).toBeUndefined();
    expect(entered.slice(entered.indexOf('AwaitReview'))).toEqual(['AwaitReview', ...learnsAndSucceeds]);
    expect(inputs.Learn?.[0]).toMatchObject({ reviewError: { Error: 'ReviewRejectedError' } });
    expect(inputs.RecordFailure).toBeUndefined();
  });

  test('a transient error is retried and the stage then succeeds', async () => {
    // Prepare
    const validate: Stub = (_input, call) => {
      if (call < 3) throw named(TransientError, 'throttled');
      return { verdict: 'valid' };
    };
    // Act
    const { inputs, error } = await runPipeline({ ValidateStructure: validate });
    // Assess
    expect(error).toBeUndefined();
    expect(inputs.ValidateStructure).toHaveLength(3);
    expect(inputs.RecordFailure).toBeUndefined();
  });

  test('a busy lane at release start is retried rather than failed', async () => {
    // Prepare
    const start: Stub = (_input, call) => {
      if (call < 5) throw named(LaneBusyError, 'another deployment runs');
      return { done: false, action: 'continue', pollSeconds: 5 };
    };
    // Act
    const { inputs, error } = await runPipeline({ StartRelease: start });
    // Assess
    expect(error).toBeUndefined();
    expect(inputs.StartRelease).toHaveLength(5);
  });

  test('a lane monitor still in ALARM from before the release is waited out, not failed', async () => {
    // Prepare
    const start: Stub = (_input, call) => {
      if (call < 4)
        throw named(MonitorsInAlarmError, 'monitor itv-s-error-rate in ALARM from before this release');
      return { done: false, action: 'continue', pollSeconds: 5 };
    };
    // Act
    const { inputs, error } = await runPipeline({ StartRelease: start });
    // Assess
    expect(error).toBeUndefined();
    expect(inputs.StartRelease).toHaveLength(4);
    expect(inputs.RecordFailure).toBeUndefined();
  });

  test('a stage that keeps failing is recorded by RecordFailure and the execution fails as ItvStageFailed', async () => {
    // Prepare
    const observe: Stub = () => {
      throw new Error('bucket unreachable');
    };
    // Act
    const { entered, inputs, error } = await runPipeline({ Observe: observe });
    // Assess
    expect(error).toBeInstanceOf(ExecutionError);
    expect((error?.cause as Error | undefined)?.name).toBe('ItvStageFailed');
    expect(entered.slice(-8)).toEqual(['Observe', ...failsSealed]);
    expect(inputs.Observe).toHaveLength(1);
    expect(inputs.RecordFailure?.[0]).toMatchObject({ error: { Error: 'Error', Cause: expect.any(String) } });
    expect(inputs.SignCheckpoint).toEqual([{ intentId: 'intent-1' }]);
  });

  test('an intent that failed before it was declared is sealed under the id RecordFailure recorded it by', async () => {
    // Prepare
    const declare: Stub = () => {
      throw new Error('item too large');
    };
    const record: Stub = () => ({ seq: 0, intentId: 'intent-fallback' });
    // Act
    const { entered, inputs, error } = await runPipeline({ DeclareIntent: declare, RecordFailure: record });
    // Assess
    expect((error?.cause as Error | undefined)?.name).toBe('ItvStageFailed');
    expect(entered).toEqual(['DeclareIntent', ...failsSealed]);
    expect(inputs.SignCheckpoint).toEqual([{ intentId: 'intent-fallback' }]);
  });

  test('a seal that fails is recorded and the execution fails, without sealing in a loop', async () => {
    // Prepare
    const sign: Stub = () => {
      throw new Error('KMS unreachable');
    };
    // Act
    const { entered, inputs, error } = await runPipeline({ SignCheckpoint: sign });
    // Assess
    expect((error?.cause as Error | undefined)?.name).toBe('ItvStageFailed');
    expect(entered.slice(-7)).toEqual([
      'Learn',
      'SealIntent',
      'SignCheckpoint',
      'RecordFailure',
      'RestoreMonitors',
      'SealOnce',
      'PipelineFailed',
    ]);
    expect(inputs.SignCheckpoint).toHaveLength(1);
  });

  test('the failure path waits for an observe-only deployment to end before restoring its monitors', async () => {
    // Prepare: StartRelease succeeded, then a poll keeps failing; the deployment bakes for three more tries.
    const check: Stub = () => {
      throw new Error('ledger unreachable');
    };
    const restore: Stub = (_input, call) => {
      if (call < 4) throw named(MonitorsStillObservingError, 'deployment 1 still bakes');
      return { outcome: 'restored', alarms: ['payments-error-rate'], seq: 12 };
    };
    // Act
    const { entered, inputs, error } = await runPipeline({ CheckRelease: check, RestoreMonitors: restore });
    // Assess
    expect((error?.cause as Error | undefined)?.name).toBe('ItvStageFailed');
    expect(entered.slice(-7)).toEqual(failsSealed);
    expect(inputs.RestoreMonitors).toHaveLength(4);
    expect(inputs.RestoreMonitors?.[0]).toMatchObject({
      error: { Error: 'Error' },
      failure: { seq: 7, intentId: 'intent-1' },
    });
  });

  test('a compensation that fails still seals the intent and ends in the Fail state, not silently', async () => {
    // Prepare
    const observe: Stub = () => {
      throw new Error('bucket unreachable');
    };
    const restore: Stub = () => {
      throw new Error('CloudWatch unreachable');
    };
    // Act
    const { entered, inputs, error } = await runPipeline({ Observe: observe, RestoreMonitors: restore });
    // Assess
    expect((error?.cause as Error | undefined)?.name).toBe('ItvStageFailed');
    expect(entered.slice(-7)).toEqual(failsSealed);
    expect(inputs.RestoreMonitors).toHaveLength(1);
    expect(inputs.SignCheckpoint).toEqual([{ intentId: 'intent-1' }]);
  });

  test('a refused stop is retried, and recorded as a failure once AppConfig keeps refusing', async () => {
    // Prepare
    const check: Stub = () => ({ deploymentId: '1', done: false, action: 'stop', pollSeconds: 30 });
    const refused: Stub = () => {
      throw named(StopRefusedError, 'deployment 1 is VALIDATING');
    };
    const stopsOnThirdTry: Stub = (_input, call) => {
      if (call < 3) throw named(StopRefusedError, 'deployment 1 is VALIDATING');
      return { deploymentId: '1', done: true, action: 'continue', pollSeconds: 30, state: 'ROLLED_BACK' };
    };
    // Act
    const kept = await runPipeline({ CheckRelease: check, StopRelease: refused });
    const retried = await runPipeline({ CheckRelease: check, StopRelease: stopsOnThirdTry });
    // Assess
    expect(kept.inputs.StopRelease).toHaveLength(5);
    expect(kept.inputs.RecordFailure?.[0]).toMatchObject({ error: { Error: 'StopRefusedError' } });
    expect(retried.error).toBeUndefined();
    expect(retried.inputs.StopRelease).toHaveLength(3);
    expect(retried.entered).toContain('Observe');
  });
});
