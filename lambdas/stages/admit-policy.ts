import { defaultPolicySet } from '../../policies/index.js';
import { admitPolicy } from '../core/pipeline/admit-policy.js';
import { admissionResultSchema, pipelineStateSchema } from '../core/pipeline/state.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { defineStage, stageHandler } from './define-stage.js';

export const admitPolicyStage = defineStage({
  name: 'AdmitPolicy',
  input: pipelineStateSchema,
  output: admissionResultSchema,
  run: admitPolicy,
});

export const handler = stageHandler(
  admitPolicyStage,
  awsPipelineDeps('admit-policy', { policies: defaultPolicySet }),
  telemetry,
);
