import { pipelineStateSchema, structureResultSchema } from '../core/pipeline/state.js';
import { validateStructure } from '../core/pipeline/validate-structure.js';
import { defineStage } from './define-stage.js';
import { stopsFirst } from './stops-first.js';

export const validateStructureStage = defineStage({
  name: 'ValidateStructure',
  fn: 'validate-structure',
  comment: "Checks the change against the service's contract (JSON Schema of the profile).",
  resultPath: '$.structure',
  access: { ledger: 'append', state: 'read', payloads: 'read' },
  input: pipelineStateSchema,
  output: structureResultSchema,
  run: stopsFirst('ValidateStructure', validateStructure),
});
