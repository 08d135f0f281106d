import * as z from 'zod';
import { restoreMonitors } from '../core/pipeline/restore-monitors.js';
import { pipelineStateSchema } from '../core/pipeline/state.js';
import { defineStage } from './define-stage.js';

export const restoreMonitorsStage = defineStage({
  name: 'RestoreMonitors',
  fn: 'restore-monitors',
  comment:
    "Gives a failed release's monitors their alarm actions back once its observe-only deployment has ended, on the ledger.",
  resultPath: '$.monitors',
  access: { ledger: 'append', release: ['monitors'] },
  input: pipelineStateSchema,
  output: z.object({
    outcome: z.enum(['none', 'enabled', 'restored', 'observing']),
    alarms: z.array(z.string()),
    seq: z.number().int().optional(),
  }),
  run: restoreMonitors,
});
