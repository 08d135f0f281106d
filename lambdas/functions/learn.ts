import { stageHandler } from '../stages/define-stage.js';
import { learnStage } from '../stages/learn.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { sfnLaneWake } from '../wiring/aws/sfn.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(
  learnStage,
  awsPipelineDeps(learnStage.fn, { laneWake: sfnLaneWake }),
  telemetry,
);
