import { learn } from '../core/pipeline/learn.js';
import { learningResultSchema, pipelineStateSchema } from '../core/pipeline/state.js';
import { defineStage } from './define-stage.js';

export const learnStage = defineStage({
  name: 'Learn',
  fn: 'learn',
  comment: 'Records the outcome: confidence per (service, change kind), decision reuse and time to value.',
  resultPath: '$.learning',
  access: { ledger: 'append', state: 'write', pipeline: 'task-success' },
  input: pipelineStateSchema,
  output: learningResultSchema,
  run: learn,
});
