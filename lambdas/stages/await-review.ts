import * as z from 'zod';
import { requestReview, reviewTimeoutSeconds } from '../core/pipeline/review.js';
import { pipelineStateSchema, reviewResultSchema } from '../core/pipeline/state.js';
import { honourStop } from '../core/pipeline/stop-intent.js';
import { defineStage } from './define-stage.js';

export const reviewWaitSchema = z.object({
  taskToken: z.string().min(1),
  intentId: z.string().min(1),
  state: pipelineStateSchema,
});

/**
 * Gives up the intent's lane, records that a reviewer of record is needed and keeps the task token. On AWS the
 * execution then waits for `POST /intents/{id}/review` to send the token back; the local runtime waits for
 * `itv review`. An approval goes back to AdmitPolicy for the lane (AdmissionOutcome), then to StartRelease.
 */
export const awaitReviewStage = defineStage({
  name: 'AwaitReview',
  fn: 'await-review',
  comment:
    'Gives up the lane and parks the execution until a reviewer of record approves (SendTaskSuccess) or rejects it.',
  resultPath: '$.review',
  // Deletes its place in the INFLIGHT partition and wakes the intents parked behind it (SendTaskSuccess); stores the
  // task token where review-intent finds it.
  access: { ledger: 'append', state: 'write', pipeline: 'task-success' },
  // The whole state goes along: the review request recorded for the reviewer names the intent and its tier.
  parameters: { taskToken: '$$.Task.Token', intentId: '$.declared.intentId', state: '$' },
  callbackTimeoutSeconds: reviewTimeoutSeconds,
  input: reviewWaitSchema,
  output: z.object({ decided: reviewResultSchema.nullable() }),
  // A stop is honoured before the wait and after its token is stored: a stop that came meanwhile found no token
  // to fail, so the wait ends here instead (`stop-intent.ts`).
  run: async (wait, deps) => {
    await honourStop(wait.intentId, 'AwaitReview', deps);
    const decided = (await requestReview(wait.intentId, wait.taskToken, wait.state, deps)) ?? null;
    await honourStop(wait.intentId, 'AwaitReview', deps);
    return { decided };
  },
});
