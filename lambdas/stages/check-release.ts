import { checkRelease } from '../core/pipeline/release.js';
import { pipelineStateSchema, releaseResultSchema } from '../core/pipeline/state.js';
import { awsPipelineDeps } from '../wiring/aws.js';
import { defineStage, stageHandler } from './define-stage.js';

export const checkReleaseStage = defineStage({
  name: 'CheckRelease',
  input: pipelineStateSchema,
  output: releaseResultSchema,
  run: checkRelease,
});

export const handler = stageHandler(checkReleaseStage, awsPipelineDeps);
