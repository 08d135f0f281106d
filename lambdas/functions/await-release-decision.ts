import { awaitReleaseDecisionStage } from '../stages/await-release-decision.js';
import { stageHandler } from '../stages/define-stage.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(
  awaitReleaseDecisionStage,
  awsPipelineDeps(awaitReleaseDecisionStage.fn),
  telemetry,
);
