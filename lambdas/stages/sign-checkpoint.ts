import * as z from 'zod';
import { signCheckpoint } from '../core/pipeline/checkpoint.js';
import { checkpointResultSchema } from '../core/pipeline/state.js';
import { defineStage } from './define-stage.js';

export const checkpointRequestSchema = z.object({ intentId: z.string().min(1) });

/**
 * The last step of every intent, concluded or failed: signs the checkpoints the ledger is owed and seals the
 * intent's evidence bundle. One of the two functions whose role may sign; it keeps the newest signed head in the
 * state table. The state machine names the intent in `$.sealing` (SealIntent or SealFailedIntent).
 */
export const signCheckpointStage = defineStage({
  name: 'SignCheckpoint',
  fn: 'sign-checkpoint',
  comment: "Signs a checkpoint of the ledger and seals the intent's evidence bundle.",
  resultPath: '$.checkpoint',
  access: { ledger: 'append', state: 'record', evidence: 'write', signing: 'sign' },
  parameters: { intentId: '$.sealing.intentId' },
  input: checkpointRequestSchema,
  output: checkpointResultSchema,
  run: (request, deps) => signCheckpoint(request.intentId, deps),
});
