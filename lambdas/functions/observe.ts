import { stageHandler } from '../stages/define-stage.js';
import { observeStage } from '../stages/observe.js';
import { cloudWatchTelemetry } from '../wiring/aws/cloudwatch.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { s3Evidence } from '../wiring/aws/s3.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(
  observeStage,
  awsPipelineDeps(observeStage.fn, { telemetry: cloudWatchTelemetry, evidence: s3Evidence }),
  telemetry,
);
