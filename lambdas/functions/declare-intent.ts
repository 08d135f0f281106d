import { declareIntentStage } from '../stages/declare-intent.js';
import { stageHandler } from '../stages/define-stage.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { s3Payloads } from '../wiring/aws/s3.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(
  declareIntentStage,
  awsPipelineDeps(declareIntentStage.fn, { payloads: s3Payloads }),
  telemetry,
);
