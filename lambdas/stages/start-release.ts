import { startRelease } from '../core/pipeline/release.js';
import { pipelineStateSchema, releaseResultSchema } from '../core/pipeline/state.js';
import { appConfigReleaser } from '../wiring/aws/appconfig.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { defineStage, stageHandler } from './define-stage.js';

export const startReleaseStage = defineStage({
  name: 'StartRelease',
  input: pipelineStateSchema,
  output: releaseResultSchema,
  run: startRelease,
});

export const handler = stageHandler(
  startReleaseStage,
  awsPipelineDeps('start-release', { releaser: appConfigReleaser }),
  telemetry,
);
