import * as z from 'zod';
import { recordFailure } from '../core/pipeline/record-failure.js';
import { pipelineStateSchema } from '../core/pipeline/state.js';
import { defineStage } from './define-stage.js';

export const recordFailureStage = defineStage({
  name: 'RecordFailure',
  fn: 'record-failure',
  comment: 'Appends the failure (caught as $.error) to the ledger so no change fails silently.',
  resultPath: '$.failure',
  access: { ledger: 'append', state: 'write', pipeline: 'task-success' },
  input: pipelineStateSchema,
  // The intent the failure is recorded under: the one SignCheckpoint then seals.
  output: z.object({ seq: z.number().int(), intentId: z.string().min(1) }),
  run: recordFailure,
});
