import { learn } from '../core/pipeline/learn.js';
import { learningResultSchema, pipelineStateSchema } from '../core/pipeline/state.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { defineStage, stageHandler } from './define-stage.js';

export const learnStage = defineStage({
  name: 'Learn',
  input: pipelineStateSchema,
  output: learningResultSchema,
  run: learn,
});

export const handler = stageHandler(learnStage, awsPipelineDeps('learn'), telemetry);
