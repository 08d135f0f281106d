import { startRelease } from '../core/pipeline/start-release.js';
import { pipelineStateSchema, releaseResultSchema } from '../core/pipeline/state.js';
import { defineStage } from './define-stage.js';
import { stopsFirst } from './stops-first.js';

export const startReleaseStage = defineStage({
  name: 'StartRelease',
  fn: 'start-release',
  comment: 'Starts the AppConfig deployment with the strategy chosen from risk tier and earned confidence.',
  resultPath: '$.release',
  // Once its deployment has started, records so and wakes the emergencies parked on it until then (reads the
  // waiters under its id, task-success).
  access: {
    ledger: 'append',
    state: 'record',
    release: ['create-version', 'start', 'check'],
    payloads: 'read',
    pipeline: 'task-success',
  },
  input: pipelineStateSchema,
  output: releaseResultSchema,
  run: stopsFirst('StartRelease', startRelease),
});
