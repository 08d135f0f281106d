import { defaultPolicySet } from '../../policies/index.js';
import { checkReleaseStage } from '../stages/check-release.js';
import { stageHandler } from '../stages/define-stage.js';
import { appConfigReleaser } from '../wiring/aws/appconfig.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { s3Payloads } from '../wiring/aws/s3.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(
  checkReleaseStage,
  awsPipelineDeps(checkReleaseStage.fn, {
    payloads: s3Payloads,
    releaser: appConfigReleaser,
    policies: defaultPolicySet,
  }),
  telemetry,
);
