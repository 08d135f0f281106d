import { declareIntent } from '../core/pipeline/declare-intent.js';
import { declaredSchema, pipelineStateSchema } from '../core/pipeline/state.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { defineStage, stageHandler } from './define-stage.js';

export const declareIntentStage = defineStage({
  name: 'DeclareIntent',
  input: pipelineStateSchema,
  output: declaredSchema,
  run: declareIntent,
});

export const handler = stageHandler(declareIntentStage, awsPipelineDeps('declare-intent'), telemetry);
