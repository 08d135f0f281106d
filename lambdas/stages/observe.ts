import { observe } from '../core/pipeline/observe.js';
import { observationResultSchema, pipelineStateSchema } from '../core/pipeline/state.js';
import { awsPipelineDeps } from '../wiring/aws.js';
import { defineStage, stageHandler } from './define-stage.js';

export const observeStage = defineStage({
  name: 'Observe',
  input: pipelineStateSchema,
  output: observationResultSchema,
  run: observe,
});

export const handler = stageHandler(observeStage, awsPipelineDeps);
