import * as z from 'zod';
import { requestReview } from '../core/pipeline/review.js';
import { pipelineStateSchema, reviewResultSchema } from '../core/pipeline/state.js';
import { defineStage } from './define-stage.js';

export const reviewWaitSchema = z.object({
  taskToken: z.string().min(1),
  intentId: z.string().min(1),
  state: pipelineStateSchema,
});

/** A review waits at most a week; then the execution fails and RecordFailure writes why. */
const REVIEW_TIMEOUT_SECONDS = 7 * 24 * 3600;

/**
 * Records that a reviewer of record is needed and keeps the task token. On AWS the execution then waits
 * for `POST /intents/{id}/review` to send the token back; the local runtime waits for `itv review`.
 */
export const awaitReviewStage = defineStage({
  name: 'AwaitReview',
  fn: 'await-review',
  comment: 'Parks the execution until a reviewer of record approves (SendTaskSuccess) or rejects it.',
  resultPath: '$.review',
  // Stores the task token where review-intent finds it.
  access: { ledger: 'append', state: 'write' },
  // The whole state goes along: the review request recorded for the reviewer names the intent and its tier.
  parameters: { taskToken: '$$.Task.Token', intentId: '$.declared.intentId', state: '$' },
  callbackTimeoutSeconds: REVIEW_TIMEOUT_SECONDS,
  input: reviewWaitSchema,
  output: z.object({ decided: reviewResultSchema.nullable() }),
  run: async (wait, deps) => ({
    decided: (await requestReview(wait.intentId, wait.taskToken, wait.state, deps)) ?? null,
  }),
});
