import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The Task state whose handler is running, for whatever runs inside it (the bench's count of DynamoDB calls per
 * stage). Async context rather than a parameter: the stores it is read from know nothing of stages. Async context
 * puts a hook on every promise the process makes from its first use on, a few per cent of the pipeline's CPU, so
 * it is kept only once a reader asks for it (`trackStages`).
 */
const scope = new AsyncLocalStorage<string>();
let tracking = false;

/** From now on, `currentStage` answers inside a Task state's handler. */
export function trackStages(): void {
  tracking = true;
}

/** Runs `work` as the Task state `state`. */
export function inStage<T>(state: string, work: () => Promise<T>): Promise<T> {
  return tracking ? scope.run(state, work) : work();
}

/** The Task state running here, or undefined outside any (and always before `trackStages`). */
export function currentStage(): string | undefined {
  return scope.getStore();
}
