import { admitPolicy } from '../core/pipeline/admit-policy.js';
import { admissionResultSchema, pipelineStateSchema } from '../core/pipeline/state.js';
import { defineStage } from './define-stage.js';
import { stopsFirst } from './stops-first.js';

export const admitPolicyStage = defineStage({
  name: 'AdmitPolicy',
  fn: 'admit-policy',
  comment:
    'Evaluates the policy set, computes the risk tier and checks non-interference with in-flight intents; an authorized emergency may preempt the release on its lane.',
  resultPath: '$.admission',
  // check and stop: an authorized emergency stops the revertible deployment holding its lane.
  access: { ledger: 'append', state: 'write', release: ['check', 'stop'], payloads: 'read' },
  input: pipelineStateSchema,
  output: admissionResultSchema,
  run: stopsFirst('AdmitPolicy', admitPolicy),
});
