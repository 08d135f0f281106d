import { stageHandler } from '../stages/define-stage.js';
import { restoreMonitorsStage } from '../stages/restore-monitors.js';
import { appConfigReleaser } from '../wiring/aws/appconfig.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(
  restoreMonitorsStage,
  awsPipelineDeps(restoreMonitorsStage.fn, { releaser: appConfigReleaser }),
  telemetry,
);
