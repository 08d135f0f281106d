import { applyReleaseDecision } from '../core/pipeline/apply-release-decision.js';
import { pipelineStateSchema, releaseResultSchema } from '../core/pipeline/state.js';
import { defineStage } from './define-stage.js';

export const applyReleaseDecisionStage = defineStage({
  name: 'ApplyReleaseDecision',
  fn: 'apply-release-decision',
  comment:
    'Carries out the decision on a held release: hold concludes it, roll-forward starts the next step, roll-back deploys the configuration before it; an expired wait keeps the hold.',
  resultPath: '$.release',
  // Roll-forward and roll-back each start a deployment: a hosted version and StartDeployment.
  access: { ledger: 'append', state: 'write', release: ['create-version', 'start'], payloads: 'read' },
  input: pipelineStateSchema,
  output: releaseResultSchema,
  run: applyReleaseDecision,
});
