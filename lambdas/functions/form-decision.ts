import { stageHandler } from '../stages/define-stage.js';
import { formDecisionStage } from '../stages/form-decision.js';
import { kmsSigner } from '../wiring/aws/kms.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { s3Payloads } from '../wiring/aws/s3.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(
  formDecisionStage,
  awsPipelineDeps(formDecisionStage.fn, { payloads: s3Payloads, signer: kmsSigner }),
  telemetry,
);
