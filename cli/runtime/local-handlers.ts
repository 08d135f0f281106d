import type { Context } from 'aws-lambda';
import type { PipelineDeps } from '../../lambdas/core/pipeline/deps.js';
import { admitPolicyStage } from '../../lambdas/stages/admit-policy.js';
import { awaitReviewStage } from '../../lambdas/stages/await-review.js';
import { checkReleaseStage } from '../../lambdas/stages/check-release.js';
import { declareIntentStage } from '../../lambdas/stages/declare-intent.js';
import { type StageHandler, stageHandler } from '../../lambdas/stages/define-stage.js';
import { formDecisionStage, signCheckpointStage } from '../../lambdas/stages/form-decision.js';
import { learnStage } from '../../lambdas/stages/learn.js';
import { observeStage } from '../../lambdas/stages/observe.js';
import { recordFailureStage } from '../../lambdas/stages/record-failure.js';
import { startReleaseStage } from '../../lambdas/stages/start-release.js';
import { stopReleaseStage } from '../../lambdas/stages/stop-release.js';
import { validateStructureStage } from '../../lambdas/stages/validate-structure.js';
import { verifyStage } from '../../lambdas/stages/verify.js';

/** Every Task state of the pipeline and the stage that runs it, as the CDK stack wires each to its Lambda. */
const stagesByState = {
  DeclareIntent: declareIntentStage,
  ValidateStructure: validateStructureStage,
  AdmitPolicy: admitPolicyStage,
  FormDecision: formDecisionStage,
  Verify: verifyStage,
  AwaitReview: awaitReviewStage,
  StartRelease: startReleaseStage,
  CheckRelease: checkReleaseStage,
  StopRelease: stopReleaseStage,
  Observe: observeStage,
  Learn: learnStage,
  SignCheckpoint: signCheckpointStage,
  RecordFailure: recordFailureStage,
} as const;

export type TaskStateName = keyof typeof stagesByState;
export const localTaskStates = Object.keys(stagesByState) as TaskStateName[];

/** The same middy handlers Lambda runs, bound to local adapters, keyed by state name. */
export function localStageHandlers(
  deps: PipelineDeps,
): Record<TaskStateName, (event: unknown) => Promise<unknown>> {
  const handlers = {} as Record<TaskStateName, (event: unknown) => Promise<unknown>>;
  for (const name of localTaskStates) {
    const handler: StageHandler = stageHandler(stagesByState[name] as never, async () => deps);
    handlers[name] = (event) => handler(event, lambdaContext(name));
  }
  return handlers;
}

function lambdaContext(name: string): Context {
  return {
    functionName: `itv-local-${name}`,
    awsRequestId: `local-${name}`,
    getRemainingTimeInMillis: () => 900_000,
  } as unknown as Context;
}
