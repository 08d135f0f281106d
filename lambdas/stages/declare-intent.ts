import { declareIntent } from '../core/pipeline/declare-intent.js';
import { declaredSchema, pipelineStateSchema } from '../core/pipeline/state.js';
import { defineStage } from './define-stage.js';

export const declareIntentStage = defineStage({
  name: 'DeclareIntent',
  fn: 'declare-intent',
  comment: 'Parses the intent, checks completeness against the catalog and derives its stable id.',
  resultPath: '$.declared',
  access: { ledger: 'append', state: 'record', payloads: 'read' },
  input: pipelineStateSchema,
  output: declaredSchema,
  run: declareIntent,
});
