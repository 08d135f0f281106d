import {
  IntentStoppedError,
  LaneBusyError,
  ReviewRejectedError,
  TransientError,
} from '../lambdas/core/errors.js';
import {
  MonitorsInAlarmError,
  MonitorsStillObservingError,
  StopRefusedError,
} from '../lambdas/core/release/errors.js';
import {
  type PipelineStage,
  type PipelineTaskState,
  pipelineStageList,
  stagesByState,
} from '../lambdas/stages/registry.js';

/**
 * The pipeline's Task states and stage functions, derived from the stage registry. Kept free of CDK imports so
 * the local runtime and the CLI can use them without loading aws-cdk-lib.
 */

export type { PipelineStage, PipelineTaskState };
export { stagesByState };

/** One Lambda function per stage; its entry is `lambdas/functions/<stage>.ts`. */
export const pipelineStages: readonly PipelineStage[] = pipelineStageList.map((s) => s.fn);

/** Task state name → stage function. */
export const pipelineTaskStages = Object.fromEntries(
  pipelineStageList.map((s) => [s.name, s.fn]),
) as Readonly<Record<PipelineTaskState, PipelineStage>>;

/** Every Task state of the pipeline; the local runtime has a handler for each. */
export const pipelineTaskStates: readonly PipelineTaskState[] = pipelineStageList.map((s) => s.name);

/**
 * Error names Retry/Catch match on. Taken from the classes so a rename cannot drift apart; the Lambda bundles
 * keep class names (esbuild `keepNames`) for the same reason.
 */
export const pipelineErrors = {
  transient: TransientError.name,
  laneBusy: LaneBusyError.name,
  reviewRejected: ReviewRejectedError.name,
  /** A stage honoured a stop request: Learn concludes the intent `stopped`. */
  intentStopped: IntentStoppedError.name,
  monitorsObserving: MonitorsStillObservingError.name,
  /** A monitor of the lane is out of OK from before the release: StartRelease waits for it. */
  monitorsInAlarm: MonitorsInAlarmError.name,
  stopRefused: StopRefusedError.name,
  /** Step Functions' own error for a Task that outlived its TimeoutSeconds (a callback nobody sent). */
  timeout: 'States.Timeout',
  /** The Fail state's error: a stage failed even after its retries. */
  stageFailed: 'ItvStageFailed',
} as const;
