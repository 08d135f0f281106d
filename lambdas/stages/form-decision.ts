import { formDecision } from '../core/pipeline/form-decision.js';
import { decisionResultSchema, pipelineStateSchema } from '../core/pipeline/state.js';
import { defineStage } from './define-stage.js';
import { stopsFirst } from './stops-first.js';

export const formDecisionStage = defineStage({
  name: 'FormDecision',
  fn: 'form-decision',
  comment: 'Forms the decision package and signs it as a DSSE envelope appended to the ledger.',
  resultPath: '$.decision',
  // state: read, for a stop request (`stopsFirst`).
  access: { ledger: 'append', state: 'read', signing: 'sign', payloads: 'read' },
  input: pipelineStateSchema,
  output: decisionResultSchema,
  run: stopsFirst('FormDecision', formDecision),
});
