import * as z from 'zod';
import { parkUntilDue } from '../core/pipeline/due-wait.js';
import { admissionResultSchema } from '../core/pipeline/state.js';
import { defineStage } from './define-stage.js';

/**
 * Parks a scheduled intent until its due instant: the Task times out then (`$.admission.retryAfterSeconds`, the
 * seconds AdmitPolicy counted to it) and admission runs again; a stop sends the token back at once, and
 * AdmitPolicy honours it. The park holds no lane.
 */
export const awaitDueStage = defineStage({
  name: 'AwaitDue',
  fn: 'await-due',
  comment:
    'Parks a scheduled intent until its due instant (the task times out then), or until a stop sends its token back; then admission runs again.',
  resultPath: '$.dueWait',
  // Keeps the token under the intent (put), where a stop finds it; wakes itself when the stop came first.
  access: { state: 'park', pipeline: 'task-success' },
  parameters: { taskToken: '$$.Task.Token', intentId: '$.declared.intentId', admission: '$.admission' },
  // At most the scheduling horizon (`schedulingHorizonDays`), within Step Functions' one-year execution.
  callbackTimeoutPath: '$.admission.retryAfterSeconds',
  input: z.object({
    taskToken: z.string().min(1),
    intentId: z.string().min(1),
    admission: admissionResultSchema,
  }),
  output: z.object({ stopped: z.boolean() }),
  run: (wait, deps) => parkUntilDue(wait.intentId, wait.taskToken, deps),
});
