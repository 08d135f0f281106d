import type { Context } from 'aws-lambda';
import type { PipelineDeps } from '../../lambdas/core/pipeline/deps.js';
import { type StageHandler, stageHandler } from '../../lambdas/stages/define-stage.js';
import { type PipelineTaskState, pipelineStageList } from '../../lambdas/stages/registry.js';

export type TaskStateName = PipelineTaskState;

/** The same middy handlers Lambda runs, bound to local adapters, keyed by Task state name. */
export function localStageHandlers(
  deps: PipelineDeps,
): Record<TaskStateName, (event: unknown) => Promise<unknown>> {
  const handlers = {} as Record<TaskStateName, (event: unknown) => Promise<unknown>>;
  for (const stage of pipelineStageList) {
    const handler: StageHandler = stageHandler(stage as never, async () => deps);
    const context = lambdaContext(stage.fn);
    handlers[stage.name] = (event) => handler(event, context);
  }
  return handlers;
}

function lambdaContext(fn: string): Context {
  return {
    functionName: `itv-local-${fn}`,
    awsRequestId: `local-${fn}`,
    getRemainingTimeInMillis: () => 900_000,
  } as unknown as Context;
}
