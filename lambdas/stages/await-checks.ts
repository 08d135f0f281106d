import * as z from 'zod';
import { parkForChecks } from '../core/pipeline/checks-wait.js';
import { verificationResultSchema } from '../core/pipeline/state.js';
import { defineStage } from './define-stage.js';

const awaitingChecksSchema = verificationResultSchema.shape.awaitingChecks.unwrap();

/**
 * Parks an intent whose fail-fast gate waits for check results: the task token is kept under the intent with the
 * checks it waits for, where a report of one of them (`PUT /intents/{id}/checks/{name}`) or a stop finds it and
 * sends it back; the wait times out at the deadline Verify recorded (`$.verification.awaitingChecks.waitSeconds`,
 * two hours at most: `checksWaitSeconds`). Either way Verify runs again.
 */
export const awaitChecksStage = defineStage({
  name: 'AwaitChecks',
  fn: 'await-checks',
  comment:
    'Parks an intent whose fail-fast gate lacks check results until CI reports one (SendTaskSuccess), a stop sends its token back, or the deadline Verify recorded passes; then Verify runs again.',
  resultPath: '$.checksWait',
  // Keeps the token under the intent (put), reads the results and the stop request; wakes itself when one came
  // before the park.
  access: { state: 'park', pipeline: 'task-success' },
  parameters: {
    taskToken: '$$.Task.Token',
    intentId: '$.declared.intentId',
    awaiting: '$.verification.awaitingChecks',
  },
  callbackTimeoutPath: '$.verification.awaitingChecks.waitSeconds',
  input: z.object({
    taskToken: z.string().min(1),
    intentId: z.string().min(1),
    awaiting: awaitingChecksSchema,
  }),
  output: z.object({ woken: z.boolean() }),
  run: (wait, deps) => parkForChecks(wait.intentId, wait.taskToken, wait.awaiting, deps),
});
