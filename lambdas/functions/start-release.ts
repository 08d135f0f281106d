import { stageHandler } from '../stages/define-stage.js';
import { startReleaseStage } from '../stages/start-release.js';
import { appConfigReleaser } from '../wiring/aws/appconfig.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { s3Payloads } from '../wiring/aws/s3.js';
import { sfnLaneWake } from '../wiring/aws/sfn.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(
  startReleaseStage,
  awsPipelineDeps(startReleaseStage.fn, {
    payloads: s3Payloads,
    releaser: appConfigReleaser,
    laneWake: sfnLaneWake,
  }),
  telemetry,
);
