import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Choice,
  Condition,
  Fail,
  type IChainable,
  IntegrationPattern,
  JsonPath,
  Pass,
  Succeed,
  TaskInput,
  Timeout,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { type PipelineStage, type PipelineTaskState, pipelineErrors, stagesByState } from './task-states.js';

export * from './task-states.js';

/** The stage functions the pipeline invokes, one per stage. */
export type PipelineFunctions = Readonly<Record<PipelineStage, IFunction>>;

/** Errors worth retrying on every stage: Lambda's own service faults and itv's `TransientError`. */
const transientErrors = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  pipelineErrors.transient,
];

/** A Task's input built from the state: each field a JSONPath (`$$.Task.Token` for the callback token). */
function taskInput(parameters: Readonly<Record<string, string>>): TaskInput {
  return TaskInput.fromObject(
    Object.fromEntries(Object.entries(parameters).map(([field, path]) => [field, JsonPath.stringAt(path)])),
  );
}

/** A Choice rule that is false, not a runtime error, when the field is absent. */
function fieldEquals(path: string, value: string | boolean): Condition {
  const equals =
    typeof value === 'string' ? Condition.stringEquals(path, value) : Condition.booleanEquals(path, value);
  return Condition.and(Condition.isPresent(path), equals);
}

/**
 * Builds the pipeline chain (JSONPath only: the local runner supports neither JSONata, `Assign` nor heartbeats)
 * under `scope`, from the stages the registry declares (`lambdas/stages/registry.ts`).
 */
export function buildPipeline(scope: Construct, fns: PipelineFunctions): IChainable {
  const failed = new Fail(scope, 'PipelineFailed', {
    comment:
      'A stage failed after its retries; RecordFailure has written the failure to the ledger, RestoreMonitors has given back any alarm actions and SignCheckpoint has sealed the intent.',
    error: pipelineErrors.stageFailed,
    cause: 'A pipeline stage failed; see $.error and the ledger entry written by RecordFailure.',
  });

  const withRetry = <T extends LambdaInvoke>(task: T): T => {
    task.addRetry({
      errors: transientErrors,
      interval: Duration.seconds(1),
      backoffRate: 2,
      maxAttempts: 3,
    });
    return task;
  };

  /** The Task state of a stage, as its registry entry declares it: function, input, result path, callback. */
  const task = (state: PipelineTaskState): LambdaInvoke => {
    const stage = stagesByState[state];
    const callback = stage.callbackTimeoutSeconds !== undefined || stage.callbackTimeoutPath !== undefined;
    return withRetry(
      new LambdaInvoke(scope, state, {
        comment: stage.comment,
        lambdaFunction: fns[stage.fn],
        // Only the lambda:invoke.waitForTaskToken integration hands out a task token, and its result is what
        // the callback carries, so a callback task cannot take the function's payload alone.
        payloadResponseOnly: !callback,
        retryOnServiceExceptions: false,
        resultPath: stage.resultPath,
        ...(stage.parameters ? { payload: taskInput(stage.parameters) } : {}),
        ...(callback
          ? {
              integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
              taskTimeout: stage.callbackTimeoutPath
                ? Timeout.at(stage.callbackTimeoutPath)
                : Timeout.duration(Duration.seconds(stage.callbackTimeoutSeconds ?? 0)),
            }
          : {}),
      }),
    );
  };

  const recordFailure = task('RecordFailure');
  // The compensation every failure reaches: monitors an observe-only release disabled get their alarm actions
  // back, but only once its deployment has ended — a change that must not be reverted is not exposed to a
  // rollback mid-rollout. AppConfig deployments last up to 24 h plus a 24 h bake: an hourly retry outlasts both.
  const restoreMonitors = task('RestoreMonitors');
  restoreMonitors.addRetry({
    errors: [pipelineErrors.monitorsObserving],
    interval: Duration.seconds(60),
    backoffRate: 2,
    maxDelay: Duration.hours(1),
    maxAttempts: 60,
  });
  // Its own failure still seals the intent; the reconciler restores what it could not.
  const sealOnce = new Choice(scope, 'SealOnce', {
    comment:
      'A failed intent is sealed like any other, once: when sealing is what failed, the execution fails here.',
  });
  restoreMonitors.addCatch(sealOnce, { errors: ['States.ALL'], resultPath: '$.restoreError' });
  recordFailure.next(restoreMonitors);
  restoreMonitors.next(sealOnce);
  const catchAll = <T extends LambdaInvoke>(t: T): T => {
    t.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    return t;
  };

  const declareIntent = task('DeclareIntent');
  const validateStructure = task('ValidateStructure');
  const admitPolicy = task('AdmitPolicy');
  const formDecision = task('FormDecision');
  const verify = task('Verify');
  const startRelease = task('StartRelease');
  // A busy lane is not a failure: the release waits its turn instead of preempting another intent.
  startRelease.addRetry({
    errors: [pipelineErrors.laneBusy],
    interval: Duration.seconds(30),
    backoffRate: 1.5,
    maxAttempts: 20,
  });
  // Nor is an alarm a rolled-back release left in ALARM: a 2-of-3 one-minute alarm is OK again within three
  // minutes of the fault's end, so the start is retried every minute or so. One still out of OK after about an
  // hour is the service's own trouble, not a leftover: the release fails, naming it, rather than deploy into it.
  startRelease.addRetry({
    errors: [pipelineErrors.monitorsInAlarm],
    interval: Duration.seconds(60),
    backoffRate: 1.5,
    maxDelay: Duration.minutes(10),
    maxAttempts: 10,
  });
  const checkRelease = task('CheckRelease');
  const stopRelease = task('StopRelease');
  // A refused stop is retried while AppConfig may yet accept it (a BAKING deployment that AllowRevert stops);
  // once the retries are spent, RecordFailure escalates it to the owners.
  stopRelease.addRetry({
    errors: [pipelineErrors.stopRefused],
    interval: Duration.seconds(15),
    backoffRate: 2,
    maxAttempts: 4,
  });
  const observe = task('Observe');
  const learn = task('Learn');
  const signCheckpoint = task('SignCheckpoint');
  const awaitReleaseDecision = task('AwaitReleaseDecision');
  const applyReleaseDecision = task('ApplyReleaseDecision');
  // An expired wait is no failure: ApplyReleaseDecision records it and keeps the hold (docs/RELEASE.md).
  // Added before catchAll's States.ALL, which would otherwise take it first.
  awaitReleaseDecision.addCatch(applyReleaseDecision, {
    errors: [pipelineErrors.timeout],
    resultPath: '$.releaseDecisionError',
  });
  const awaitReview = task('AwaitReview');
  awaitReview.addCatch(learn, { errors: [pipelineErrors.reviewRejected], resultPath: '$.reviewError' });

  // A stop request honoured before any release is no failure: Learn concludes the intent `stopped`, frees its
  // place and wakes its waiters, and it is sealed as any other. Added before catchAll's States.ALL.
  for (const t of [validateStructure, admitPolicy, formDecision, verify, awaitReview, startRelease]) {
    t.addCatch(learn, { errors: [pipelineErrors.intentStopped], resultPath: '$.stopped' });
  }

  for (const t of [
    declareIntent,
    validateStructure,
    admitPolicy,
    formDecision,
    verify,
    awaitReview,
    startRelease,
    checkRelease,
    stopRelease,
    awaitReleaseDecision,
    applyReleaseDecision,
    observe,
    learn,
    signCheckpoint,
  ]) {
    catchAll(t);
  }

  // A queued intent parks until an intent it waits for frees its way; when the park times out (a blocker's lease
  // lapsed: a holder that crashed frees nothing) it re-checks all the same. Either way admission decides again.
  const awaitLane = task('AwaitLane');
  awaitLane.addCatch(admitPolicy, { errors: [pipelineErrors.timeout], resultPath: '$.laneWait' });
  catchAll(awaitLane);
  awaitLane.next(admitPolicy);
  // A scheduled change, which holds no lane, parks until its due instant. Not a Wait state: a Wait cannot be ended
  // early but by StopExecution, which would skip Learn and the seal, so a stop would wait for the due instant. A
  // task token can be sent back by a stop; its timeout (the seconds to the due instant) is the ordinary way out.
  const awaitDue = task('AwaitDue');
  awaitDue.addCatch(admitPolicy, { errors: [pipelineErrors.timeout], resultPath: '$.dueWait' });
  catchAll(awaitDue);
  awaitDue.next(admitPolicy);
  // A fail-fast gate that lacks check results parks until CI reports one, a stop arrives or its deadline passes
  // (the Task's timeout, the seconds Verify counted to it); either way Verify runs again and counts what came.
  const awaitChecks = task('AwaitChecks');
  awaitChecks.addCatch(verify, { errors: [pipelineErrors.timeout], resultPath: '$.checksWait' });
  catchAll(awaitChecks);
  awaitChecks.next(verify);
  const waitForRelease = new Wait(scope, 'WaitForRelease', {
    comment: 'Waits between deployment polls.',
    time: WaitTime.secondsPath('$.release.pollSeconds'),
  });

  // Every execution ends sealed: a concluded intent after Learn, a failed one after RecordFailure (the id it
  // recorded the failure under, which an intent that failed before DeclareIntent has no other way to name).
  const sealIntent = new Pass(scope, 'SealIntent', {
    comment: 'Names the intent SignCheckpoint seals: the one declared.',
    parameters: { intentId: JsonPath.stringAt('$.declared.intentId') },
    resultPath: '$.sealing',
  });
  const sealFailedIntent = new Pass(scope, 'SealFailedIntent', {
    comment: 'Names the intent SignCheckpoint seals: the one RecordFailure recorded the failure under.',
    parameters: { intentId: JsonPath.stringAt('$.failure.intentId'), failed: true },
    resultPath: '$.sealing',
  });
  sealOnce.when(Condition.isPresent('$.sealing'), failed).otherwise(sealFailedIntent);
  sealFailedIntent.next(signCheckpoint);
  learn.next(sealIntent).next(signCheckpoint);
  signCheckpoint.next(
    new Choice(scope, 'Sealed', {
      comment: 'The intent is sealed: a failed one still ends in the Fail state.',
    })
      .when(fieldEquals('$.sealing.failed', true), failed)
      .otherwise(new Succeed(scope, 'Done', { comment: 'The intent has a ledger entry for every stage.' })),
  );
  observe.next(learn);
  stopRelease.next(observe);
  waitForRelease.next(checkRelease);
  checkRelease.next(
    new Choice(scope, 'ReleaseProgress', {
      comment:
        'Stop on regression, queue for the lane again when an emergency preempted the deployment, wait for the owners when a held step has completed, finish when done, otherwise poll again.',
    })
      .when(fieldEquals('$.release.action', 'requeue'), awaitLane)
      .when(fieldEquals('$.release.action', 'await-decision'), awaitReleaseDecision)
      .when(fieldEquals('$.release.action', 'stop'), stopRelease)
      .when(fieldEquals('$.release.done', true), observe)
      .otherwise(waitForRelease),
  );
  awaitReleaseDecision.next(applyReleaseDecision);
  applyReleaseDecision.next(
    new Choice(scope, 'DecisionOutcome', {
      comment:
        'A hold concludes; roll-forward and roll-back each started a deployment, watched like any other.',
    })
      .when(fieldEquals('$.release.done', true), observe)
      .otherwise(waitForRelease),
  );
  startRelease.next(waitForRelease);
  // The review wait gave up the lane: the approval claims it again, judged as any arrival (AdmissionOutcome).
  awaitReview.next(admitPolicy);
  verify.next(
    new Choice(scope, 'VerificationOutcome', {
      comment:
        'A fail-fast gate waiting for check results parks; failed checks end in Learn; some tiers need a reviewer.',
    })
      .when(Condition.isPresent('$.verification.awaitingChecks'), awaitChecks)
      .when(fieldEquals('$.verification.passed', false), learn)
      .when(fieldEquals('$.verification.requiresReview', true), awaitReview)
      .otherwise(startRelease),
  );
  formDecision.next(verify);
  admitPolicy.next(
    new Choice(scope, 'AdmissionOutcome', {
      comment:
        'Admitted intents proceed (one approved by its reviewer, or whose release an emergency preempted, starts its release: its decision, checks and review stand), queued ones wait for their lane, scheduled ones for their time, the rest learn.',
    })
      .when(
        Condition.and(
          fieldEquals('$.admission.verdict', 'admitted'),
          Condition.or(fieldEquals('$.release.action', 'requeue'), Condition.isPresent('$.review')),
        ),
        startRelease,
      )
      .when(fieldEquals('$.admission.verdict', 'admitted'), formDecision)
      .when(fieldEquals('$.admission.verdict', 'queued'), awaitLane)
      .when(fieldEquals('$.admission.verdict', 'scheduled'), awaitDue)
      .otherwise(learn),
  );
  validateStructure.next(
    new Choice(scope, 'IsStructurallyValid', {
      comment: 'Only a change that fits its contract goes to policy.',
    })
      .when(fieldEquals('$.structure.verdict', 'valid'), admitPolicy)
      .otherwise(learn),
  );
  declareIntent.next(
    new Choice(scope, 'IsComplete', {
      comment: 'An incomplete intent is recorded and learned from, not released.',
    })
      .when(fieldEquals('$.declared.verdict', 'complete'), validateStructure)
      .otherwise(learn),
  );
  return declareIntent;
}
