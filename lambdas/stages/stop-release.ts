import { stopRelease } from '../core/pipeline/release.js';
import { pipelineStateSchema, releaseResultSchema } from '../core/pipeline/state.js';
import { awsPipelineDeps } from '../wiring/aws.js';
import { defineStage, stageHandler } from './define-stage.js';

export const stopReleaseStage = defineStage({
  name: 'StopRelease',
  input: pipelineStateSchema,
  output: releaseResultSchema,
  run: stopRelease,
});

export const handler = stageHandler(stopReleaseStage, awsPipelineDeps);
