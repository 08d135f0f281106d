import * as z from 'zod';
import {
  holdForStop,
  releaseDecisionTimeoutSeconds,
  requestReleaseDecision,
} from '../core/pipeline/release-decision.js';
import { pipelineStateSchema, releaseDecisionSchema } from '../core/pipeline/state.js';
import { defineStage } from './define-stage.js';

export const releaseDecisionWaitSchema = z.object({
  taskToken: z.string().min(1),
  intentId: z.string().min(1),
  state: pipelineStateSchema,
});

/**
 * Records that a held release needs its owners' decision and keeps the task token. On AWS the execution then
 * waits for `POST /intents/{id}/release-decision` to send the token back, or for the timeout, which
 * ApplyReleaseDecision answers by keeping the hold; the local runtime parks until `itv release decide`.
 */
export const awaitReleaseDecisionStage = defineStage({
  name: 'AwaitReleaseDecision',
  fn: 'await-release-decision',
  comment:
    "Parks a held release until one of the service's owners decides to roll forward, roll back or hold (SendTaskSuccess), or the wait times out.",
  resultPath: '$.releaseDecision',
  // Stores the task token where the release-decision route finds it.
  access: { ledger: 'append', state: 'record' },
  // The whole state goes along: the local runtime resumes from it, and the request names the exposure held.
  parameters: { taskToken: '$$.Task.Token', intentId: '$.declared.intentId', state: '$' },
  callbackTimeoutSeconds: releaseDecisionTimeoutSeconds,
  input: releaseDecisionWaitSchema,
  output: z.object({ decided: releaseDecisionSchema.nullable() }),
  run: async (wait, deps) => ({
    decided:
      (await requestReleaseDecision(wait.intentId, wait.taskToken, wait.state, deps)) ??
      (await holdForStop(wait.intentId, deps)) ??
      null,
  }),
});
