import { stageHandler } from '../stages/define-stage.js';
import { validateStructureStage } from '../stages/validate-structure.js';
import { checkedCatalog } from '../wiring/aws/checked-catalog.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { s3Payloads } from '../wiring/aws/s3.js';
import { telemetry } from '../wiring/aws/telemetry.js';

export const handler = stageHandler(
  validateStructureStage,
  awsPipelineDeps(validateStructureStage.fn, { payloads: s3Payloads, catalog: checkedCatalog }),
  telemetry,
);
