import { defaultPolicySet } from '../../policies/index.js';
import { awaitReviewStage } from '../stages/await-review.js';
import { stageHandler } from '../stages/define-stage.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { sfnLaneWake } from '../wiring/aws/sfn.js';
import { telemetry } from '../wiring/aws/telemetry.js';

// The policy set says which compliance domains want a reviewer of record: the request names who may decide. The
// lane the wait gives up wakes the intents parked behind it (SendTaskSuccess).
export const handler = stageHandler(
  awaitReviewStage,
  awsPipelineDeps(awaitReviewStage.fn, { policies: defaultPolicySet, laneWake: sfnLaneWake }),
  telemetry,
);
