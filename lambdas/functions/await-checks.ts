import { awaitChecksStage } from '../stages/await-checks.js';
import { stageHandler } from '../stages/define-stage.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { sfnLaneWake } from '../wiring/aws/sfn.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(
  awaitChecksStage,
  awsPipelineDeps(awaitChecksStage.fn, { laneWake: sfnLaneWake }),
  telemetry,
);
