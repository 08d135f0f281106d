import * as z from 'zod';
import { parkForLane } from '../core/pipeline/lane-wait.js';
import { admissionResultSchema } from '../core/pipeline/state.js';
import { defineStage } from './define-stage.js';

/**
 * Parks a queued intent until its way is clear: the task token waits under each intent it waits for, whose
 * Learn or RecordFailure sends it back; the wait times out after `$.admission.retryAfterSeconds` — when the first
 * of its blockers' leases lapses (a crashed holder frees nothing), six hours (`queueRetry.parkSeconds`) at most —
 * and either way AdmitPolicy re-checks.
 */
export const awaitLaneStage = defineStage({
  name: 'AwaitLane',
  fn: 'await-lane',
  comment:
    'Parks a queued intent until an intent it waits for concludes or fails (SendTaskSuccess), or its park times out when a blocker lease lapses (six hours at most); then admission re-checks.',
  resultPath: '$.laneWait',
  // Keeps the token beside each blocker's place (put), reads the places; wakes itself when one already left or now
  // ranks behind it, and a preempted holder wakes the park of a queued emergency it waits for (task-success).
  access: { state: 'park', pipeline: 'task-success' },
  parameters: { taskToken: '$$.Task.Token', intentId: '$.declared.intentId', admission: '$.admission' },
  callbackTimeoutPath: '$.admission.retryAfterSeconds',
  input: z.object({
    taskToken: z.string().min(1),
    intentId: z.string().min(1),
    admission: admissionResultSchema,
  }),
  output: z.object({ clear: z.boolean() }),
  run: (wait, deps) => parkForLane(wait.intentId, wait.taskToken, wait.admission, deps),
});
