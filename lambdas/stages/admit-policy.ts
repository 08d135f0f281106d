import { admitPolicy } from '../core/pipeline/admit-policy.js';
import { admissionResultSchema, pipelineStateSchema } from '../core/pipeline/state.js';
import { defineStage } from './define-stage.js';

export const admitPolicyStage = defineStage({
  name: 'AdmitPolicy',
  fn: 'admit-policy',
  comment:
    'Evaluates the policy set, computes the risk tier and checks non-interference with in-flight intents.',
  resultPath: '$.admission',
  access: { ledger: 'append', state: 'write' },
  input: pipelineStateSchema,
  output: admissionResultSchema,
  run: admitPolicy,
});
