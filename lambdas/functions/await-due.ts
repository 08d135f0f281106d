import { awaitDueStage } from '../stages/await-due.js';
import { stageHandler } from '../stages/define-stage.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { sfnLaneWake } from '../wiring/aws/sfn.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(
  awaitDueStage,
  awsPipelineDeps(awaitDueStage.fn, { laneWake: sfnLaneWake }),
  telemetry,
);
