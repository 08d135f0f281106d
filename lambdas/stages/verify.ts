import { pipelineStateSchema, verificationResultSchema } from '../core/pipeline/state.js';
import { verify } from '../core/pipeline/verify.js';
import { defineStage } from './define-stage.js';
import { stopsFirst } from './stops-first.js';

export const verifyStage = defineStage({
  name: 'Verify',
  fn: 'verify',
  comment: 'Runs the automated checks the intent names; decides whether a reviewer of record is needed.',
  resultPath: '$.verification',
  // Records decision continuity (reused or not) for every verified intent: a state write.
  access: { ledger: 'append', state: 'record', payloads: 'read' },
  input: pipelineStateSchema,
  output: verificationResultSchema,
  run: stopsFirst('Verify', verify),
});
