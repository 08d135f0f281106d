import { defaultPolicySet } from '../../policies/index.js';
import { checkRelease } from '../core/pipeline/release.js';
import { pipelineStateSchema, releaseResultSchema } from '../core/pipeline/state.js';
import { appConfigReleaser } from '../wiring/aws/appconfig.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { defineStage, stageHandler } from './define-stage.js';

export const checkReleaseStage = defineStage({
  name: 'CheckRelease',
  input: pipelineStateSchema,
  output: releaseResultSchema,
  run: checkRelease,
});

export const handler = stageHandler(
  checkReleaseStage,
  awsPipelineDeps('check-release', { releaser: appConfigReleaser, policies: defaultPolicySet }),
  telemetry,
);
