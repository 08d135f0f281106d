import { defaultPolicySet } from '../../policies/index.js';
import { pipelineStateSchema, verificationResultSchema } from '../core/pipeline/state.js';
import { verify } from '../core/pipeline/verify.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { defineStage, stageHandler } from './define-stage.js';

export const verifyStage = defineStage({
  name: 'Verify',
  input: pipelineStateSchema,
  output: verificationResultSchema,
  run: verify,
});

export const handler = stageHandler(
  verifyStage,
  awsPipelineDeps('verify', { policies: defaultPolicySet }),
  telemetry,
);
