import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Choice,
  Condition,
  Fail,
  type IChainable,
  IntegrationPattern,
  JsonPath,
  Succeed,
  TaskInput,
  Timeout,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { type PipelineStage, type PipelineTaskState, pipelineErrors } from './task-states.js';

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

interface TaskSpec {
  comment: string;
  resultPath: string;
  payload?: TaskInput;
}

/** A Choice rule that is false, not a runtime error, when the field is absent. */
function fieldEquals(path: string, value: string | boolean): Condition {
  const equals =
    typeof value === 'string' ? Condition.stringEquals(path, value) : Condition.booleanEquals(path, value);
  return Condition.and(Condition.isPresent(path), equals);
}

/**
 * Builds the pipeline chain (JSONPath only: the local runner supports neither JSONata, `Assign` nor heartbeats)
 * under `scope`; state names are the ones `pipelineTaskStages` lists.
 */
export function buildPipeline(scope: Construct, fns: PipelineFunctions): IChainable {
  const failed = new Fail(scope, 'PipelineFailed', {
    comment: 'A stage failed after its retries; RecordFailure has written the failure to the ledger.',
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

  const recordFailure = withRetry(
    new LambdaInvoke(scope, 'RecordFailure', {
      comment: 'Appends the failure (caught as $.error) to the ledger so no change fails silently.',
      lambdaFunction: fns['record-failure'],
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.failure',
    }),
  );
  recordFailure.next(failed);

  const task = (
    name: Exclude<PipelineTaskState, 'AwaitReview' | 'RecordFailure'>,
    stage: PipelineStage,
    spec: TaskSpec,
  ) =>
    withRetry(
      new LambdaInvoke(scope, name, {
        comment: spec.comment,
        lambdaFunction: fns[stage],
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        resultPath: spec.resultPath,
        ...(spec.payload ? { payload: spec.payload } : {}),
      }),
    );
  const catchAll = <T extends LambdaInvoke>(t: T): T => {
    t.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    return t;
  };

  const declareIntent = task('DeclareIntent', 'declare-intent', {
    comment: 'Parses the intent, checks completeness against the catalog and derives its stable id.',
    resultPath: '$.declared',
  });
  const validateStructure = task('ValidateStructure', 'validate-structure', {
    comment: "Checks the change against the service's contract (JSON Schema of the profile).",
    resultPath: '$.structure',
  });
  const admitPolicy = task('AdmitPolicy', 'admit-policy', {
    comment:
      'Evaluates the policy set, computes the risk tier and checks non-interference with in-flight intents.',
    resultPath: '$.admission',
  });
  const formDecision = task('FormDecision', 'form-decision', {
    comment: 'Forms the decision package and signs it as a DSSE envelope appended to the ledger.',
    resultPath: '$.decision',
  });
  const verify = task('Verify', 'verify', {
    comment: 'Runs the automated checks the intent names; decides whether a reviewer of record is needed.',
    resultPath: '$.verification',
  });
  const startRelease = task('StartRelease', 'start-release', {
    comment: 'Starts the AppConfig deployment with the strategy chosen from risk tier and earned confidence.',
    resultPath: '$.release',
  });
  // A busy lane is not a failure: the release waits its turn instead of preempting another intent.
  startRelease.addRetry({
    errors: [pipelineErrors.laneBusy],
    interval: Duration.seconds(30),
    backoffRate: 1.5,
    maxAttempts: 20,
  });
  const checkRelease = task('CheckRelease', 'check-release', {
    comment: 'Reads the deployment state and alarms; asks to stop on SLO regression or policy breach.',
    resultPath: '$.release',
  });
  const stopRelease = task('StopRelease', 'stop-release', {
    comment: "Stops the deployment, as the intent's onRegression constraint directs.",
    resultPath: '$.release',
  });
  const observe = task('Observe', 'observe', {
    comment: 'Takes the telemetry snapshot against the baseline and writes the evidence bundle.',
    resultPath: '$.observation',
  });
  const learn = task('Learn', 'learn', {
    comment: 'Records the outcome: confidence per (service, change kind), decision reuse and time to value.',
    resultPath: '$.learning',
  });
  const signCheckpoint = task('SignCheckpoint', 'form-decision', {
    comment: 'Signs a checkpoint of the ledger; the decision stage is the only one allowed to sign.',
    resultPath: '$.checkpoint',
    payload: TaskInput.fromObject({
      action: 'checkpoint',
      intentId: JsonPath.stringAt('$.declared.intentId'),
    }),
  });

  // The review callback cannot use payloadResponseOnly: only the lambda:invoke.waitForTaskToken integration
  // hands out a task token, and its result is what the reviewer's SendTaskSuccess carries.
  const awaitReview = withRetry(
    new LambdaInvoke(scope, 'AwaitReview', {
      comment: 'Parks the execution until a reviewer of record approves (SendTaskSuccess) or rejects it.',
      lambdaFunction: fns['await-review'],
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      retryOnServiceExceptions: false,
      // The whole state goes along: the review request recorded for the reviewer names the intent and its tier.
      payload: TaskInput.fromObject({
        taskToken: JsonPath.taskToken,
        intentId: JsonPath.stringAt('$.declared.intentId'),
        state: JsonPath.objectAt('$'),
      }),
      resultPath: '$.review',
      taskTimeout: Timeout.duration(Duration.days(7)),
    }),
  );
  awaitReview.addCatch(learn, { errors: [pipelineErrors.reviewRejected], resultPath: '$.reviewError' });

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
    observe,
    learn,
    signCheckpoint,
  ]) {
    catchAll(t);
  }

  const waitForLane = new Wait(scope, 'WaitForLane', {
    comment: "Waits for the lane (the service's AppConfig environment) or overlapping blast radius to clear.",
    time: WaitTime.secondsPath('$.admission.retryAfterSeconds'),
  });
  const waitForRelease = new Wait(scope, 'WaitForRelease', {
    comment: 'Waits between deployment polls.',
    time: WaitTime.secondsPath('$.release.pollSeconds'),
  });

  learn
    .next(signCheckpoint)
    .next(new Succeed(scope, 'Done', { comment: 'The intent has a ledger entry for every stage.' }));
  observe.next(learn);
  stopRelease.next(observe);
  waitForRelease.next(checkRelease);
  checkRelease.next(
    new Choice(scope, 'ReleaseProgress', {
      comment: 'Stop on regression, finish when done, otherwise poll again.',
    })
      .when(fieldEquals('$.release.action', 'stop'), stopRelease)
      .when(fieldEquals('$.release.done', true), observe)
      .otherwise(waitForRelease),
  );
  startRelease.next(waitForRelease);
  awaitReview.next(startRelease);
  verify.next(
    new Choice(scope, 'VerificationOutcome', {
      comment: 'Failed checks end in Learn; some tiers need a reviewer.',
    })
      .when(fieldEquals('$.verification.passed', false), learn)
      .when(fieldEquals('$.verification.requiresReview', true), awaitReview)
      .otherwise(startRelease),
  );
  formDecision.next(verify);
  waitForLane.next(admitPolicy);
  admitPolicy.next(
    new Choice(scope, 'AdmissionOutcome', {
      comment: 'Admitted intents proceed, queued ones wait, the rest learn.',
    })
      .when(fieldEquals('$.admission.verdict', 'admitted'), formDecision)
      .when(fieldEquals('$.admission.verdict', 'queued'), waitForLane)
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
