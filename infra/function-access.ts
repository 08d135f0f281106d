import type { PipelineStage } from '../statemachines/task-states.js';

/** The API Gateway handlers, `lambdas/api/<name>.ts`. */
/** The entry functions: API Gateway's routes and the itv bus's rule target, `lambdas/api/<name>.ts`. */
export const apiFunctionNames = ['submit-intent', 'get-intent', 'review-intent', 'intake-event'] as const;
export type ApiFunctionName = (typeof apiFunctionNames)[number];
export type ItvFunctionName = PipelineStage | ApiFunctionName;

export type ReleaseAction = 'create-version' | 'start' | 'check' | 'stop';

/**
 * What one function may touch. Each grant also decides the environment variables the function receives, so
 * a function never learns the name of a resource it cannot use.
 */
export interface FunctionAccess {
  /**
   * `append` = read + conditional PutItem, plus UpdateItem for the store's idempotency markers; entries are
   * never deleted.
   */
  ledger?: 'read' | 'append';
  state?: 'read' | 'write';
  /** `write` = read + put; Object Lock keeps what is written. */
  evidence?: 'read' | 'write';
  /** Only the decision stage signs (and reads its public key, which goes into every evidence bundle). */
  signing?: 'sign';
  release?: readonly ReleaseAction[];
  /** Reads service telemetry (CloudWatch metrics and the rollback alarms). */
  telemetry?: boolean;
  pipeline?: 'start-execution' | 'task-response';
}

export const functionAccess: Readonly<Record<ItvFunctionName, FunctionAccess>> = {
  'declare-intent': { ledger: 'append', state: 'write' },
  'validate-structure': { ledger: 'append', state: 'read' },
  'admit-policy': { ledger: 'append', state: 'write' },
  'form-decision': { ledger: 'append', state: 'write', evidence: 'write', signing: 'sign' },
  // Records decision continuity (reused or not) for every verified intent: a state write.
  verify: { ledger: 'append', state: 'write' },
  // Stores the task token where review-intent finds it.
  'await-review': { ledger: 'append', state: 'write' },
  'start-release': { ledger: 'append', state: 'write', release: ['create-version', 'start', 'check'] },
  'check-release': { ledger: 'append', state: 'write', release: ['check'] },
  'stop-release': { ledger: 'append', state: 'write', release: ['stop', 'check'] },
  observe: { ledger: 'append', state: 'read', evidence: 'write', telemetry: true },
  learn: { ledger: 'append', state: 'write' },
  'record-failure': { ledger: 'append', state: 'write' },
  // Reads delegations granted at run time, to bind the requester, then starts the execution.
  'submit-intent': { pipeline: 'start-execution', state: 'read' },
  // The same for intents CI systems put on the itv bus.
  'intake-event': { pipeline: 'start-execution', state: 'read' },
  'get-intent': { ledger: 'read', state: 'read' },
  'review-intent': { ledger: 'append', state: 'write', pipeline: 'task-response' },
};

/** Handler file of a function, relative to the project root. */
export function entryOf(name: ItvFunctionName): string {
  return (apiFunctionNames as readonly string[]).includes(name)
    ? `lambdas/api/${name}.ts`
    : `lambdas/stages/${name}.ts`;
}
