import * as z from 'zod';
import { recordFailure } from '../core/pipeline/record-failure.js';
import { pipelineStateSchema } from '../core/pipeline/state.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { defineStage, stageHandler } from './define-stage.js';

export const recordFailureStage = defineStage({
  name: 'RecordFailure',
  input: pipelineStateSchema,
  output: z.object({ seq: z.number().int() }),
  run: recordFailure,
});

export const handler = stageHandler(recordFailureStage, awsPipelineDeps('record-failure'), telemetry);
