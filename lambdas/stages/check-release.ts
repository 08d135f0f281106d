import { checkRelease } from '../core/pipeline/check-release.js';
import { pipelineStateSchema, releaseResultSchema } from '../core/pipeline/state.js';
import { defineStage } from './define-stage.js';

export const checkReleaseStage = defineStage({
  name: 'CheckRelease',
  fn: 'check-release',
  comment: 'Reads the deployment state and alarms; asks to stop on SLO regression or policy breach.',
  resultPath: '$.release',
  // A stepped release starts its next step from here: a hosted version and a deployment per step.
  access: {
    ledger: 'append',
    state: 'record',
    release: ['create-version', 'start', 'check'],
    payloads: 'read',
  },
  input: pipelineStateSchema,
  output: releaseResultSchema,
  run: checkRelease,
});
