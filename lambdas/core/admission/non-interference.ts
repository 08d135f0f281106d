import { mustWaitFor, type Occupant, type Overlap, overlapOf, queueOrder } from './occupant.js';
import { predictSchedule, type RadiusSets, radiusSet, type Slot } from './schedule.js';

/**
 * A queued intent parks until a stage that frees its way wakes it (Learn or RecordFailure of an intent it waits
 * for; a task token on AWS, the in-process runner locally). The park also ends when the first of its blockers'
 * places lapses (`parkSeconds`: a holder that crashed frees nothing, so its lease's expiry is what wakes the
 * queue), and after `parkSeconds` at most, when it re-checks anyway and refreshes its own place. Six hours bounds a
 * queued execution's history at about 12 events per re-check × 4 a day, about 17,500 over Step Functions'
 * one-year execution limit: within its 25,000-event limit whatever the wait.
 */
export const queueRetry = { minSeconds: 15, maxSeconds: 300, parkSeconds: 6 * 3600 } as const;

/** A queued place whose intent has not re-checked for this long (a park and an hour) belongs to an execution that died. */
export const abandonQueuedAfterSeconds = queueRetry.parkSeconds + 3600;
/**
 * An admitted lease outlives its predicted rollout by at most this much: seven days and an hour, longer than any
 * wait a holder parks in (a held release's decision, three days; CI's checks, two hours; a review wait holds no
 * lease). A lease older than that belongs to an execution stopped without cleaning up.
 */
export const leaseGraceSeconds = 7 * 24 * 3600 + 3600;

/** What admission saw of one other intent and what this decision does to its time to value. */
export interface InterferenceCheck {
  intentId: string;
  status: 'admitted' | 'queued';
  /** `in-flight`: admitted; `queued-ahead` / `queued-behind`: arrived before / after this intent. */
  relation: 'in-flight' | 'queued-ahead' | 'queued-behind';
  lane: string;
  overlaps: boolean;
  overlap: Overlap | null;
  /** Whether this intent waits for it. */
  blocks: boolean;
  predictedCompletionAt: string;
  /**
   * Predicted change to its time to value caused by this decision, in seconds (negative: sooner): zero unless an
   * emergency override jumps it.
   */
  predictedTimeToValueChangeSeconds: number;
  /** That change priced at its value per hour (the seed's cost of delay). */
  costOfDelayUsd: number;
  /** Set when this decision stops its release and queues it again at the head of its lane. */
  preempted?: true;
}

export interface NonInterferenceInput {
  /** This intent, as it would be queued (its arrival ticket set) or as it already stands. */
  candidate: Occupant;
  /** Every other record of the INFLIGHT partition. */
  others: readonly Occupant[];
  now: Date;
  /** An emergency override whose authority the policy set accepted. */
  override: boolean;
  deadline?: Date;
  /**
   * The in-flight intent this emergency preempts, as it waits again (`requeuedAfterPreemption`): the schedule
   * with this decision uses it, every baseline uses the record as it stood.
   */
  preempting?: Occupant;
}

export interface NonInterferenceDecision {
  verdict: 'admitted' | 'queued' | 'rejected';
  /** The intents it waits for, first to free first. */
  blockers: Array<{
    intentId: string;
    status: 'admitted' | 'queued';
    overlap: Overlap;
    predictedFreeAt: string;
  }>;
  predictedStartAt: string;
  predictedCompletionAt: string;
  checked: InterferenceCheck[];
  /** Places ignored because their executions are gone (stale queue places, expired leases). */
  abandoned: string[];
  /** Queued: the instant (ms) the first of its blockers' places lapses, if its execution never frees it. */
  firstLapseAt?: number;
  /** Set when the queue cannot meet the intent's deadline. */
  deadlineMiss?: { reason: string; remedy: string };
  /** An override's true cost: who it overtakes and by how much, and whose blast radius it shares. */
  overrideCost?: {
    delayedIntents: number;
    totalDelaySeconds: number;
    totalCostOfDelayUsd: number;
    sharedBlastRadiusWith: string[];
    /** The in-flight intents whose release it stops (their delay is in `checked`). */
    preempted: string[];
  };
  retryAfterSeconds: number;
}

/**
 * A delay priced at the delayed intent's value per hour, to the cent: the seed's cost of delay. A gain (negative
 * delay) costs nothing.
 *
 * @example costOfDelay(1200, 1800) // 600
 */
export function costOfDelay(valuePerHourUsd: number, delaySeconds: number): number {
  return Math.round(((valuePerHourUsd * Math.max(0, delaySeconds)) / 3600) * 100) / 100;
}

/**
 * The instant, in ms, after which a place counts as its execution's leftover: a queued place not refreshed
 * for `abandonQueuedAfterSeconds`, an admitted lease past its rollout plus `leaseGraceSeconds`.
 */
export function lapsesAt(o: Occupant): number {
  if (o.status === 'queued') return Date.parse(o.lastSeenAt) + abandonQueuedAfterSeconds * 1000;
  const admitted = Date.parse(o.admittedAt ?? o.lastSeenAt);
  return admitted + (o.predictedDurationSeconds + leaseGraceSeconds) * 1000;
}

/** Whether a place belongs to an execution that is gone (a stale queue place, an expired lease). */
export function isAbandoned(o: Occupant, nowMs: number): boolean {
  return nowMs > lapsesAt(o);
}

/**
 * How long a queued intent parks at most: until the first of its blockers' places lapses (a holder that crashed
 * frees nothing, so its lease's expiry is what wakes the queue), and never beyond `queueRetry.parkSeconds`.
 * Whole seconds, at least one, a moment past the lapse (a Task's TimeoutSecondsPath takes a positive integer).
 *
 * @example parkSeconds(Date.parse('2026-11-04T17:00:00Z'), Date.parse('2026-11-04T17:40:00Z')) // 2401
 */
export function parkSeconds(nowMs: number, firstLapseMs: number | undefined): number {
  if (firstLapseMs === undefined) return queueRetry.parkSeconds;
  return Math.min(queueRetry.parkSeconds, Math.max(1, Math.floor((firstLapseMs - nowMs) / 1000) + 1));
}

const iso = (ms: number) => new Date(ms).toISOString();
const minutes = (seconds: number) => `${Math.round(seconds / 60)} min`;

/**
 * Non-interference for one intent: it is admitted only when no in-flight intent and no earlier-arrived queued
 * intent overlaps its lane or blast radius; otherwise it queues in arrival order. An ordinary intent never
 * preempts, so the predicted time to value of everyone it was checked against is unchanged. An authorized
 * emergency override jumps the queue and ignores blast-radius overlap (never the lane); when it preempts the
 * release on its lane (`input.preempting`), that intent waits again at the head of the lane. Either way the
 * emergency is charged with the delay it causes each intent. An intent whose predicted completion misses its
 * deadline is rejected instead of queued.
 */
export function decideNonInterference(input: NonInterferenceInput): NonInterferenceDecision {
  const { now, deadline } = input;
  const nowMs = now.getTime();
  const abandoned: string[] = [];
  const live: Occupant[] = [];
  for (const o of input.others) isAbandoned(o, nowMs) ? abandoned.push(o.intentId) : live.push(o);
  const preempting = input.preempting;
  // With this decision the preempted intent waits again; what it would have done is the record as it stands.
  const after = preempting ? live.map((o) => (o.intentId === preempting.intentId ? preempting : o)) : live;
  const self: Occupant = { ...input.candidate, emergencyOverride: input.override };
  const ordinary: Occupant = { ...self, emergencyOverride: false };
  const sets: RadiusSets = new Map();
  const selfRadius = radiusSet(sets, self);
  const overlaps = new Map(live.map((o) => [o.intentId, overlapOf(o, self, selfRadius)]));
  const ahead = (o: Occupant) => o.status === 'admitted' || queueOrder(o, self) < 0;
  const blocking = after.filter((o) => ahead(o) && mustWaitFor(self, overlaps.get(o.intentId)));
  const admitted = blocking.length === 0;
  const placedSelf: Occupant = admitted
    ? { ...self, status: 'admitted', admittedAt: now.toISOString() }
    : { ...self, status: 'queued' };

  const withSelf = predictSchedule([...after, placedSelf], now, sets);
  const withoutSelf = predictSchedule(live, now, sets);
  const asOrdinary = input.override
    ? predictSchedule([...live, { ...ordinary, status: 'queued' }], now, sets)
    : withSelf;
  const mine = withSelf.get(self.intentId) as Slot;

  const checked = live.map((o): InterferenceCheck => {
    const overlap = overlaps.get(o.intentId);
    const relation =
      o.status === 'admitted' ? 'in-flight' : o.arrival < self.arrival ? 'queued-ahead' : 'queued-behind';
    // Later arrivals queued knowing this intent was ahead; what this decision changes for them is measured
    // against this intent waiting its ordinary turn. Everyone else is measured against this intent not existing.
    const baseline = relation === 'queued-behind' ? asOrdinary : withoutSelf;
    const end = withSelf.get(o.intentId)?.end ?? nowMs;
    const delta = Math.round((end - (baseline.get(o.intentId)?.end ?? end)) / 1000);
    return {
      intentId: o.intentId,
      status: o.status,
      relation,
      lane: o.lane,
      overlaps: overlap !== undefined,
      overlap: overlap ?? null,
      blocks: blocking.some((b) => b.intentId === o.intentId),
      predictedCompletionAt: iso(end),
      predictedTimeToValueChangeSeconds: delta,
      costOfDelayUsd: costOfDelay(o.valuePerHourUsd, delta),
      ...(o.intentId === preempting?.intentId ? { preempted: true as const } : {}),
    };
  });

  const blockers = blocking
    .map((o) => ({
      intentId: o.intentId,
      status: o.status,
      overlap: overlaps.get(o.intentId) as Overlap,
      predictedFreeAt: iso(withSelf.get(o.intentId)?.end ?? nowMs),
    }))
    .sort((a, b) => a.predictedFreeAt.localeCompare(b.predictedFreeAt));

  const decision: NonInterferenceDecision = {
    verdict: admitted ? 'admitted' : 'queued',
    blockers,
    predictedStartAt: iso(mine.start),
    predictedCompletionAt: iso(mine.end),
    checked,
    abandoned,
    ...(blocking.length > 0 ? { firstLapseAt: Math.min(...blocking.map(lapsesAt)) } : {}),
    retryAfterSeconds: admitted
      ? queueRetry.minSeconds
      : Math.min(
          queueRetry.maxSeconds,
          Math.max(queueRetry.minSeconds, Math.ceil((mine.start - nowMs) / 1000)),
        ),
  };
  if (input.override) {
    const delayed = checked.filter((c) => c.predictedTimeToValueChangeSeconds > 0);
    decision.overrideCost = {
      delayedIntents: delayed.length,
      totalDelaySeconds: delayed.reduce((sum, c) => sum + c.predictedTimeToValueChangeSeconds, 0),
      totalCostOfDelayUsd: Math.round(delayed.reduce((sum, c) => sum + c.costOfDelayUsd, 0) * 100) / 100,
      sharedBlastRadiusWith: checked
        .filter((c) => c.status === 'admitted' && c.overlap && !c.overlap.lane)
        .map((c) => c.intentId),
      preempted: checked.filter((c) => c.preempted).map((c) => c.intentId),
    };
  }
  if (deadline && mine.end > deadline.getTime()) {
    decision.verdict = 'rejected';
    decision.deadlineMiss = explainDeadlineMiss(self, mine, blockers, deadline);
  }
  return decision;
}

function explainDeadlineMiss(
  self: Occupant,
  mine: Slot,
  blockers: NonInterferenceDecision['blockers'],
  deadline: Date,
): { reason: string; remedy: string } {
  const completion = iso(mine.end);
  const own = `its own rollout and bake (${self.strategy}, ${minutes(self.predictedDurationSeconds)})`;
  const waits = blockers.map(
    (b) =>
      `${b.intentId} (${b.status === 'admitted' ? 'in flight' : 'queued ahead'}, ${b.overlap.lane ? `same lane ${self.lane}` : `shares ${b.overlap.services.join(', ')}`}, free at ${b.predictedFreeAt} at the earliest)`,
  );
  const reason =
    waits.length > 0
      ? `the release queue cannot meet the deadline ${deadline.toISOString()}: it waits for ${waits.join('; ')}, then ${own} ends at ${completion} at the earliest`
      : `the deadline ${deadline.toISOString()} cannot be met: ${own} ends at ${completion} at the earliest`;
  const remedy =
    waits.length > 0
      ? `Set a deadline at or after ${completion}, resubmit once ${blockers.map((b) => b.intentId).join(', ')} finish, or, in an emergency, have someone with override authority submit it with authority.emergencyOverride.`
      : `Set a deadline at or after ${completion}.`;
  return { reason, remedy };
}
