import type { PipelineDeps } from '../core/pipeline/deps.js';
import type { PipelineState } from '../core/pipeline/state.js';
import { honourStop } from '../core/pipeline/stop-intent.js';

/**
 * A stage before any release honours a stop request before it acts (`IntentStoppedError`, which the state
 * machine catches into Learn). Stages whose input is the whole state read the intent id from `declared`.
 */
export function stopsFirst<Out>(
  stage: string,
  run: (state: PipelineState, deps: PipelineDeps) => Promise<Out>,
): (state: PipelineState, deps: PipelineDeps) => Promise<Out> {
  return async (state, deps) => {
    await honourStop(state.declared?.intentId, stage, deps);
    return run(state, deps);
  };
}
