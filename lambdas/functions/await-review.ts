import { awaitReviewStage } from '../stages/await-review.js';
import { stageHandler } from '../stages/define-stage.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(awaitReviewStage, awsPipelineDeps(awaitReviewStage.fn), telemetry);
