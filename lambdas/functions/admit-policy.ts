import { defaultPolicySet } from '../../policies/index.js';
import { admitPolicyStage } from '../stages/admit-policy.js';
import { stageHandler } from '../stages/define-stage.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(
  admitPolicyStage,
  awsPipelineDeps(admitPolicyStage.fn, { policies: defaultPolicySet }),
  telemetry,
);
