import { stageHandler } from '../stages/define-stage.js';
import { formDecisionStage } from '../stages/form-decision.js';
import { kmsSigner } from '../wiring/aws/kms.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(
  formDecisionStage,
  awsPipelineDeps(formDecisionStage.fn, { signer: kmsSigner }),
  telemetry,
);
