import { stateKeys } from '../state-keys.js';
import type { PipelineDeps } from './deps.js';

/** What a scheduled intent's park keeps: the token that resumes it before its due instant. */
interface DuePark {
  token: string;
  parkedAt: string;
}

/**
 * AwaitDue: parks a scheduled intent until its due instant. A Step Functions Wait state cannot be ended early
 * (only StopExecution ends it, which would skip Learn and the seal), so the wait is a task token whose Task times
 * out at the due instant (TimeoutSecondsPath, `States.Timeout` → AdmitPolicy) and which a stop sends back at once.
 * The token is written before the stop request is read and the stop route writes the request before it reads the
 * token (`stop-intent.ts`), so one of the two always sees the other: a stop that came first wakes the park here.
 * `stopped` says it did: the local runner, which parks in process, goes straight on to admission then.
 */
export async function parkUntilDue(
  intentId: string,
  token: string,
  deps: Pick<PipelineDeps, 'state' | 'clock' | 'laneWake'>,
): Promise<{ stopped: boolean }> {
  const park = stateKeys.duePark(intentId);
  await deps.state.put<DuePark>(park.pk, park.sk, { token, parkedAt: deps.clock.now().toISOString() });
  const stop = stateKeys.stopRequest(intentId);
  const stopped = (await deps.state.get(stop.pk, stop.sk)) !== undefined;
  if (stopped) await deps.laneWake?.wake(token);
  return { stopped };
}

/** The task token a scheduled intent is parked on until its due instant, if it is. */
export async function duePark(
  intentId: string,
  deps: Pick<PipelineDeps, 'state'>,
): Promise<string | undefined> {
  const key = stateKeys.duePark(intentId);
  return (await deps.state.get<DuePark>(key.pk, key.sk))?.data.token;
}
