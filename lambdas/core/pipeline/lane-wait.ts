import { readPlaces } from '../admission/occupancy.js';
import { queueOrder, toOccupant } from '../admission/occupant.js';
import { stateKeys } from '../state-keys.js';
import type { PipelineDeps } from './deps.js';
import type { AdmissionResult } from './state.js';

/** What a parked waiter keeps: the token that resumes it. */
interface LaneWaiter {
  token: string;
  parkedAt: string;
  /** An emergency that waits for this holder only until its deployment starts (then it may preempt it). */
  untilDeployment?: boolean;
}

/** A lane holder's deployment started, in its admission of `admittedAt` (`stateKeys.deploymentStarted`). */
interface DeploymentStarted {
  deploymentId: string;
  admittedAt: string | null;
  at: string;
}

/**
 * AwaitLane: parks a queued intent. Its task token goes under each intent it waits for, where their Learn or
 * RecordFailure finds it (`wakeLaneWaiters`). Written first and checked after: when a blocker has already left
 * (it ended between admission and this park), the intent wakes itself at once, so no wake is lost — the blocker
 * deletes its place before it reads its waiters, and this writes its token before it reads the places.
 *
 * A blocker's place can also change without leaving: an emergency preempts a lane holder, which then waits again
 * at the head of its lane, behind every emergency (`queueOrder`), and frees nothing. Two rules keep anyone from
 * waiting for an intent that waits for it:
 * - a blocker that now ranks behind this intent cannot be what frees it: the intent wakes itself and admission
 *   decides again (an emergency that decided to wait for the holder, parking after the preemption);
 * - a preempted holder that waits for a queued emergency sends back that emergency's park token
 *   (`stateKeys.lanePark`): the emergency may have parked on it while it held the lane, and would otherwise wait
 *   for it until its park timed out. Woken, the emergency decides again and waits for the emergency holding the
 *   lane, or takes it. Both are written first and checked after in the same way: the preemption is committed
 *   before the preempted holder parks, so an emergency that parks later reads the holder behind it.
 *
 * An emergency that waits for a holder only because its deployment has not started (`awaitsDeploymentOf`: nothing
 * to stop yet) marks its token so: the holder's StartRelease sends it back once the deployment has started
 * (`wakeEmergenciesAwaitingDeployment`), and admission decides again and preempts it. Written first and checked
 * after: a park that finds that deployment already started, in the holder's current admission, resumes at once.
 *
 * Places are read as admission counts them (`readPlaces`). `clear` says the park resumed at once: the local runner,
 * which parks in process, goes straight back to admission then.
 */
export async function parkForLane(
  intentId: string,
  token: string,
  admission: Pick<AdmissionResult, 'waitingFor' | 'awaitsDeploymentOf'>,
  deps: Pick<PipelineDeps, 'state' | 'clock' | 'laneWake'>,
): Promise<{ clear: boolean }> {
  const blockers = admission.waitingFor ?? [];
  const parkedAt = deps.clock.now().toISOString();
  const awaited = admission.awaitsDeploymentOf;
  for (const blocker of blockers) {
    const key = stateKeys.laneWaiter(blocker, intentId);
    await deps.state.put<LaneWaiter>(key.pk, key.sk, {
      token,
      parkedAt,
      ...(blocker === awaited ? { untilDeployment: true } : {}),
    });
  }
  // Kept under the intent too, where a stop finds it; the stop request is read after it is written, so a stop
  // that came before the park wakes it here and one after finds the token (`stop-intent.ts`). A preempted holder
  // finds it here as well (above).
  const park = stateKeys.lanePark(intentId);
  await deps.state.put<LaneWaiter>(park.pk, park.sk, { token, parkedAt });
  const stopKey = stateKeys.stopRequest(intentId);
  let clear = blockers.length === 0 || (await deps.state.get(stopKey.pk, stopKey.sk)) !== undefined;
  const nudged: string[] = [];
  if (!clear) {
    const startedKey =
      awaited && blockers.includes(awaited) ? stateKeys.deploymentStarted(awaited) : undefined;
    const started = startedKey
      ? await deps.state.get<DeploymentStarted>(startedKey.pk, startedKey.sk)
      : undefined;
    const places = await readPlaces(deps.state, [intentId, ...blockers]);
    const holder = awaited ? places.get(awaited) : undefined;
    // Started in the admission the holder is in now: an earlier one's (a deployment since preempted) tells nothing.
    if (
      started &&
      holder &&
      (holder.status ?? 'admitted') === 'admitted' &&
      (started.data.admittedAt ?? undefined) === holder.admittedAt
    )
      clear = true;
    const own = places.get(intentId);
    const self = own ? toOccupant(own) : undefined;
    for (const blocker of clear ? [] : blockers) {
      const place = places.get(blocker);
      if (!place) {
        clear = true;
        break;
      }
      const other = toOccupant(place);
      if (!self || other.status !== 'queued') continue;
      if (queueOrder(other, self) > 0) {
        clear = true;
        break;
      }
      if (self.preemptedBy !== undefined && other.emergencyOverride) nudged.push(blocker);
    }
  }
  if (clear) {
    await deps.laneWake?.wake(token);
    return { clear };
  }
  for (const blocker of nudged) {
    const parked = stateKeys.lanePark(blocker);
    const waiter = await deps.state.get<LaneWaiter>(parked.pk, parked.sk);
    if (waiter) await deps.laneWake?.wake(waiter.data.token).catch(() => 'failed' as const);
  }
  return { clear };
}

/**
 * Gives up the intent's place (its lane and blast radius, `INFLIGHT / <intentId>`) and wakes every intent parked
 * behind it: Learn and RecordFailure when it ends, AwaitReview while a person decides. Deleted first, then the
 * waiters read, so a waiter that parks in between finds the place gone (`parkForLane`). Returns how many woke.
 */
export async function freeLane(
  intentId: string,
  deps: Pick<PipelineDeps, 'state' | 'laneWake'>,
): Promise<number> {
  const place = stateKeys.inFlightIntent(intentId);
  await deps.state.delete(place.pk, place.sk);
  // The record of its deployment's start, which emergencies parked on it read, ends with its hold: after its place,
  // so an emergency that still finds the place also finds the record, or the wake that follows.
  const started = stateKeys.deploymentStarted(intentId);
  await deps.state.delete(started.pk, started.sk);
  return wakeLaneWaiters(intentId, deps);
}

/**
 * Wakes every intent parked behind `intentId`, once its place is deleted (Learn, RecordFailure): each re-checks
 * its admission. A wake that fails is not retried here: the waiter's park ends by itself
 * (`queueRetry.parkSeconds`). Returns how many were woken.
 */
export async function wakeLaneWaiters(
  intentId: string,
  deps: Pick<PipelineDeps, 'state' | 'laneWake'>,
): Promise<number> {
  const partition = stateKeys.laneWaiter(intentId, '').pk;
  let woken = 0;
  for (const waiter of await deps.state.list<LaneWaiter>(partition)) {
    if (deps.laneWake) {
      const answer = await deps.laneWake.wake(waiter.data.token).catch(() => 'failed' as const);
      if (answer === 'woken') woken++;
    }
    await deps.state.delete(partition, waiter.sk);
  }
  return woken;
}

/**
 * StartRelease, once its deployment has started: records that (`stateKeys.deploymentStarted`, under the
 * admission it holds the lane by) and then sends back the tokens of the emergencies parked on it only because it had
 * no deployment yet, so each decides again and preempts it, as it would have had the deployment been under way when
 * it arrived. Other waiters stay parked: nothing they wait for has changed. Written first and checked after: an
 * emergency that parks after the listing finds the record (`parkForLane`). A wake that fails is not retried here: the
 * park ends by itself. Returns how many were woken.
 */
export async function wakeEmergenciesAwaitingDeployment(
  intentId: string,
  deploymentId: string,
  deps: Pick<PipelineDeps, 'state' | 'clock' | 'laneWake'>,
): Promise<number> {
  const own = (await readPlaces(deps.state, [intentId])).get(intentId);
  const key = stateKeys.deploymentStarted(intentId);
  await deps.state.put<DeploymentStarted>(key.pk, key.sk, {
    deploymentId,
    admittedAt: own?.admittedAt ?? null,
    at: deps.clock.now().toISOString(),
  });
  if (!deps.laneWake) return 0;
  let woken = 0;
  for (const waiter of await deps.state.list<LaneWaiter>(stateKeys.laneWaiter(intentId, '').pk)) {
    if (!waiter.data.untilDeployment) continue;
    const answer = await deps.laneWake.wake(waiter.data.token).catch(() => 'failed' as const);
    if (answer === 'woken') woken++;
  }
  return woken;
}
