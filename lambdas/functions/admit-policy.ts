import { defaultPolicySet } from '../../policies/index.js';
import { admitPolicyStage } from '../stages/admit-policy.js';
import { stageHandler } from '../stages/define-stage.js';
import { appConfigReleaser } from '../wiring/aws/appconfig.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { s3Payloads } from '../wiring/aws/s3.js';
import { telemetry } from '../wiring/aws/telemetry.js';

// The releaser: an authorized emergency stops the deployment holding its lane (core/pipeline/preempt-release.ts).
export const handler = stageHandler(
  admitPolicyStage,
  awsPipelineDeps(admitPolicyStage.fn, {
    payloads: s3Payloads,
    policies: defaultPolicySet,
    releaser: appConfigReleaser,
  }),
  telemetry,
);
