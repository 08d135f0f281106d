import { stateKeys } from '../state-keys.js';
import type { PipelineDeps } from './deps.js';

/**
 * How long a fail-fast gate waits for the results of the checks its intent names: two hours from the moment
 * Verify first found one missing. Long enough for an end-to-end suite or a compliance scan CI runs after it
 * submitted; short enough that a change whose CI never reports fails in the same working session, and that the
 * execution's history stays bounded (one park per check at most: each first report wakes it once).
 */
export const checksWaitSeconds = 2 * 3600;

/** What the check park keeps: the token that resumes Verify, and the checks it waits for. */
export interface ChecksPark {
  token: string;
  /** The checks without a result when Verify parked: a report of one of these wakes the park. */
  missing: string[];
  deadline: string;
  parkedAt: string;
}

/**
 * AwaitChecks: parks an intent whose fail-fast gate lacks results of the checks it names, until CI reports one
 * (`wakeForCheck`), a stop arrives, or the deadline passes (the Task's timeout); Verify then runs again. The
 * token is written before the results and the stop request are read, and a report writes its result (and a stop
 * its request) before it reads the token: one of the two always sees the other, so a report that came between
 * Verify and this park wakes it here. `woken` says it did: the local runner, which parks in process, goes
 * straight back to Verify then.
 */
export async function parkForChecks(
  intentId: string,
  token: string,
  awaiting: { missing: string[]; deadline: string },
  deps: Pick<PipelineDeps, 'state' | 'clock' | 'laneWake'>,
): Promise<{ woken: boolean }> {
  const park = stateKeys.checksPark(intentId);
  await deps.state.put<ChecksPark>(park.pk, park.sk, {
    token,
    missing: awaiting.missing,
    deadline: awaiting.deadline,
    parkedAt: deps.clock.now().toISOString(),
  });
  const stop = stateKeys.stopRequest(intentId);
  let woken = (await deps.state.get(stop.pk, stop.sk)) !== undefined;
  for (const check of awaiting.missing) {
    if (woken) break;
    const key = stateKeys.check(intentId, check);
    woken = (await deps.state.get(key.pk, key.sk)) !== undefined;
  }
  if (woken) await deps.laneWake?.wake(token);
  return { woken };
}

/** The check park of `intentId`, if it has one (it stays after the park ended: its token is then spent). */
export async function checksParkOf(
  intentId: string,
  deps: Pick<PipelineDeps, 'state'>,
): Promise<ChecksPark | undefined> {
  const key = stateKeys.checksPark(intentId);
  return (await deps.state.get<ChecksPark>(key.pk, key.sk))?.data;
}

/**
 * Wakes the intent's check park when it waits for `check`, once the check's result is written: Verify runs again
 * and counts it. A park that waits for other checks only (Verify parked again after an earlier report) is not
 * woken again, so each check resumes the execution once at most. `gone` covers a park that already ended.
 */
export async function wakeForCheck(
  intentId: string,
  check: string,
  deps: Pick<PipelineDeps, 'state' | 'laneWake'>,
): Promise<'woken' | 'gone' | 'not-waiting'> {
  const park = await checksParkOf(intentId, deps);
  if (!park?.missing.includes(check) || !deps.laneWake) return 'not-waiting';
  return deps.laneWake.wake(park.token);
}
