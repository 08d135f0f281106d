import { pipelineStateSchema, releaseResultSchema } from '../core/pipeline/state.js';
import { stopRelease } from '../core/pipeline/stop-release.js';
import { defineStage } from './define-stage.js';

export const stopReleaseStage = defineStage({
  name: 'StopRelease',
  fn: 'stop-release',
  comment: "Stops the deployment, as the intent's onRegression constraint directs.",
  resultPath: '$.release',
  access: { ledger: 'append', state: 'write', release: ['stop', 'check'] },
  input: pipelineStateSchema,
  output: releaseResultSchema,
  run: stopRelease,
});
