import * as z from 'zod';
import { signCheckpoint } from '../core/pipeline/checkpoint.js';
import { formDecision } from '../core/pipeline/form-decision.js';
import { checkpointResultSchema, decisionResultSchema, pipelineStateSchema } from '../core/pipeline/state.js';
import { kmsSigner } from '../wiring/aws/kms.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { s3Evidence } from '../wiring/aws/s3.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { defineStage, stageHandler } from './define-stage.js';

/** The decision stage is the only one whose role may sign, so it also signs the checkpoint that ends an intent. */
export const formDecisionStage = defineStage({
  name: 'FormDecision',
  input: pipelineStateSchema,
  output: decisionResultSchema,
  run: formDecision,
});

export const checkpointRequestSchema = z.object({
  action: z.literal('checkpoint'),
  intentId: z.string().min(1),
});

export const signCheckpointStage = defineStage({
  name: 'SignCheckpoint',
  input: checkpointRequestSchema,
  output: checkpointResultSchema,
  run: (request, deps) => signCheckpoint(request.intentId, deps),
});

// One composition for both actions: one signer and one evidence client per container.
const deps = awsPipelineDeps('form-decision', { signer: kmsSigner, evidence: s3Evidence });
const decisionHandler = stageHandler(formDecisionStage, deps, telemetry);
const checkpointHandler = stageHandler(signCheckpointStage, deps, telemetry);

export const handler: typeof decisionHandler = (event, context) =>
  (event as { action?: unknown } | null)?.action === 'checkpoint'
    ? checkpointHandler(event, context)
    : decisionHandler(event, context);
