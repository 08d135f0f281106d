import { defaultPolicySet } from '../../policies/index.js';
import { stageHandler } from '../stages/define-stage.js';
import { verifyStage } from '../stages/verify.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { s3Payloads } from '../wiring/aws/s3.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(
  verifyStage,
  awsPipelineDeps(verifyStage.fn, { payloads: s3Payloads, policies: defaultPolicySet }),
  telemetry,
);
