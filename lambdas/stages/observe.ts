import { observe } from '../core/pipeline/observe.js';
import { observationResultSchema, pipelineStateSchema } from '../core/pipeline/state.js';
import { cloudWatchTelemetry } from '../wiring/aws/cloudwatch.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { s3Evidence } from '../wiring/aws/s3.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { defineStage, stageHandler } from './define-stage.js';

export const observeStage = defineStage({
  name: 'Observe',
  input: pipelineStateSchema,
  output: observationResultSchema,
  run: observe,
});

export const handler = stageHandler(
  observeStage,
  awsPipelineDeps('observe', { telemetry: cloudWatchTelemetry, evidence: s3Evidence }),
  telemetry,
);
