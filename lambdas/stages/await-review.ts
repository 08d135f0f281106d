import * as z from 'zod';
import { requestReview } from '../core/pipeline/review.js';
import { pipelineStateSchema, reviewResultSchema } from '../core/pipeline/state.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { defineStage, stageHandler } from './define-stage.js';

export const reviewWaitSchema = z.object({
  taskToken: z.string().min(1),
  intentId: z.string().min(1),
  state: pipelineStateSchema,
});

/**
 * Records that a reviewer of record is needed and keeps the task token. On AWS the execution then waits
 * for `POST /intents/{id}/review` to send the token back; the local runtime waits for `itv review`.
 */
export const awaitReviewStage = defineStage({
  name: 'AwaitReview',
  input: reviewWaitSchema,
  output: z.object({ decided: reviewResultSchema.nullable() }),
  run: async (wait, deps) => ({
    decided: (await requestReview(wait.intentId, wait.taskToken, wait.state, deps)) ?? null,
  }),
});

export const handler = stageHandler(awaitReviewStage, awsPipelineDeps('await-review'), telemetry);
