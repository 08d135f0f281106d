import { pipelineStateSchema, releaseResultSchema } from '../core/pipeline/state.js';
import { stopRelease } from '../core/pipeline/stop-release.js';
import { defineStage } from './define-stage.js';

export const stopReleaseStage = defineStage({
  name: 'StopRelease',
  fn: 'stop-release',
  comment: "Stops the deployment, as the intent's onRegression constraint directs.",
  resultPath: '$.release',
  // Stops the deployment and records why; it reads and writes nothing of the state table.
  access: { ledger: 'append', release: ['stop', 'check'] },
  input: pipelineStateSchema,
  output: releaseResultSchema,
  run: stopRelease,
});
