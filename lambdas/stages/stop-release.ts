import { stopRelease } from '../core/pipeline/release.js';
import { pipelineStateSchema, releaseResultSchema } from '../core/pipeline/state.js';
import { appConfigReleaser } from '../wiring/aws/appconfig.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { defineStage, stageHandler } from './define-stage.js';

export const stopReleaseStage = defineStage({
  name: 'StopRelease',
  input: pipelineStateSchema,
  output: releaseResultSchema,
  run: stopRelease,
});

export const handler = stageHandler(
  stopReleaseStage,
  awsPipelineDeps('stop-release', { releaser: appConfigReleaser }),
  telemetry,
);
