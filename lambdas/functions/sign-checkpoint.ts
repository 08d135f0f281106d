import { stageHandler } from '../stages/define-stage.js';
import { signCheckpointStage } from '../stages/sign-checkpoint.js';
import { kmsSigner } from '../wiring/aws/kms.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { s3Evidence } from '../wiring/aws/s3.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(
  signCheckpointStage,
  awsPipelineDeps(signCheckpointStage.fn, { signer: kmsSigner, evidence: s3Evidence }),
  telemetry,
);
