import { LaneBusyError, ReviewRejectedError, TransientError } from '../lambdas/core/errors.js';

/**
 * Which stage function each Task state of the pipeline invokes. Kept free of CDK imports so the local runtime
 * can check its handler map against it without loading aws-cdk-lib.
 */

/** One Lambda function per stage; the file is `lambdas/stages/<stage>.ts`. */
export const pipelineStages = [
  'declare-intent',
  'validate-structure',
  'admit-policy',
  'form-decision',
  'verify',
  'await-review',
  'start-release',
  'check-release',
  'stop-release',
  'observe',
  'learn',
  'record-failure',
] as const;

export type PipelineStage = (typeof pipelineStages)[number];

/** Task state name → stage function. `SignCheckpoint` reuses form-decision: only that stage may sign. */
export const pipelineTaskStages = {
  DeclareIntent: 'declare-intent',
  ValidateStructure: 'validate-structure',
  AdmitPolicy: 'admit-policy',
  FormDecision: 'form-decision',
  Verify: 'verify',
  AwaitReview: 'await-review',
  StartRelease: 'start-release',
  CheckRelease: 'check-release',
  StopRelease: 'stop-release',
  Observe: 'observe',
  Learn: 'learn',
  SignCheckpoint: 'form-decision',
  RecordFailure: 'record-failure',
} as const satisfies Record<string, PipelineStage>;

export type PipelineTaskState = keyof typeof pipelineTaskStages;

/** Every Task state of the pipeline; the local runtime must have a handler for each. */
export const pipelineTaskStates = Object.keys(pipelineTaskStages) as PipelineTaskState[];

/**
 * Error names Retry/Catch match on. Taken from the classes so a rename cannot drift apart; the Lambda bundles
 * keep class names (esbuild `keepNames`) for the same reason.
 */
export const pipelineErrors = {
  transient: TransientError.name,
  laneBusy: LaneBusyError.name,
  reviewRejected: ReviewRejectedError.name,
  /** The Fail state's error: a stage failed even after its retries. */
  stageFailed: 'ItvStageFailed',
} as const;
