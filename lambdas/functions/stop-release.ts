import { stageHandler } from '../stages/define-stage.js';
import { stopReleaseStage } from '../stages/stop-release.js';
import { appConfigReleaser } from '../wiring/aws/appconfig.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(
  stopReleaseStage,
  awsPipelineDeps(stopReleaseStage.fn, { releaser: appConfigReleaser }),
  telemetry,
);
