import { readReferencePath } from './reference-path.js';

/** The fields of an ASL Wait state that say how long it waits. */
export interface WaitFields {
  Seconds?: number;
  SecondsPath?: string;
  TimestampPath?: string;
}

/**
 * Which of the Wait states leading to a Task an execution passed through, read from the Task's input, for runners
 * that emulate waits at the Task after them (aws-local-stepfunctions does not say which state ran): a Choice
 * sends it through at most one. A wait until a timestamp ran when its path resolves (only a scheduled admission
 * carries `dueAt`); a wait for seconds when its path resolves and no such wait ran (every admission result
 * carries `retryAfterSeconds`, so that path alone does not tell).
 */
export function waitThatRan<W extends WaitFields>(waits: readonly W[], input: unknown): W | undefined {
  const resolves = (path: string | undefined) =>
    path !== undefined && readReferencePath(input, path) !== undefined;
  return (
    waits.find((w) => resolves(w.TimestampPath)) ??
    waits.find((w) => w.TimestampPath === undefined && (w.Seconds !== undefined || resolves(w.SecondsPath)))
  );
}

/** Milliseconds a Wait that ran holds the execution from `now`: never negative. */
export function waitMilliseconds(wait: WaitFields, input: unknown, now: Date): number {
  if (wait.TimestampPath !== undefined) {
    const until = Date.parse(String(readReferencePath(input, wait.TimestampPath)));
    return Number.isNaN(until) ? 0 : Math.max(0, until - now.getTime());
  }
  const seconds = wait.Seconds ?? (wait.SecondsPath ? readReferencePath(input, wait.SecondsPath) : undefined);
  return typeof seconds === 'number' && seconds > 0 ? seconds * 1000 : 0;
}
