import { observe } from '../core/pipeline/observe.js';
import { observationResultSchema, pipelineStateSchema } from '../core/pipeline/state.js';
import { defineStage } from './define-stage.js';

export const observeStage = defineStage({
  name: 'Observe',
  fn: 'observe',
  comment: 'Takes the telemetry snapshot against the baseline and writes the evidence bundle.',
  resultPath: '$.observation',
  // state write: the error budget it measured, for the error-budget rule at the next admission.
  access: { ledger: 'append', state: 'record', evidence: 'write', telemetry: true },
  input: pipelineStateSchema,
  output: observationResultSchema,
  run: observe,
});
