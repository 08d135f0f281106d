import { pipelineStateSchema, structureResultSchema } from '../core/pipeline/state.js';
import { validateStructure } from '../core/pipeline/validate-structure.js';
import { checkedCatalog } from '../wiring/aws/checked-catalog.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { defineStage, stageHandler } from './define-stage.js';

export const validateStructureStage = defineStage({
  name: 'ValidateStructure',
  input: pipelineStateSchema,
  output: structureResultSchema,
  run: validateStructure,
});

export const handler = stageHandler(
  validateStructureStage,
  awsPipelineDeps('validate-structure', { catalog: checkedCatalog }),
  telemetry,
);
