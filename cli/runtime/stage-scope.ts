import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The Task state whose handler is running, for whatever runs inside it (the bench's count of DynamoDB calls per
 * stage). Async context rather than a parameter: the stores it is read from know nothing of stages.
 */
const scope = new AsyncLocalStorage<string>();

/** Runs `work` as the Task state `state`. */
export function inStage<T>(state: string, work: () => Promise<T>): Promise<T> {
  return scope.run(state, work);
}

/** The Task state running here, or undefined outside any. */
export function currentStage(): string | undefined {
  return scope.getStore();
}
