import { stageHandler } from '../stages/define-stage.js';
import { recordFailureStage } from '../stages/record-failure.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { sfnLaneWake } from '../wiring/aws/sfn.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(
  recordFailureStage,
  awsPipelineDeps(recordFailureStage.fn, { laneWake: sfnLaneWake }),
  telemetry,
);
