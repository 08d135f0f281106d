import { type Occupant, queueOrder } from './occupant.js';

/** Blast radii as sets, by intent id; built once per decision and shared by every schedule it predicts. */
export type RadiusSets = Map<string, ReadonlySet<string>>;

/** The radius set of an occupant, built and remembered on first use. */
export function radiusSet(sets: RadiusSets, occupant: Occupant): ReadonlySet<string> {
  let set = sets.get(occupant.intentId);
  if (!set) {
    set = new Set(occupant.blastRadius);
    sets.set(occupant.intentId, set);
  }
  return set;
}

/** A radius this small is searched as it is: building a set for it would cost more than the search. */
const SCANNED_RADIUS = 16;

/**
 * `mustWaitFor(later, overlapOf(later, earlier))` without naming what they share: it stops at the first shared
 * service, looking each service of the smaller radius up in the larger, and builds radius sets only when the
 * lanes differ, `later` is no emergency and both radii are large. Schedules ask it of every pair of occupants, where
 * a radius can hold hundreds of services, but most hold a few: a set for each of those, built on every decision,
 * was most of what admission allocated.
 */
export function waitsFor(later: Occupant, earlier: Occupant, sets: RadiusSets = new Map()): boolean {
  if (later.lane === earlier.lane) return true;
  if (later.emergencyOverride) return false;
  // Plain loops, no arrays or closures made: this runs for every pair of occupants, several times a decision.
  const laterFewer = later.blastRadius.length <= earlier.blastRadius.length;
  const fewer = laterFewer ? later.blastRadius : earlier.blastRadius;
  if (fewer.length <= SCANNED_RADIUS) {
    const other = laterFewer ? earlier : later;
    if (other.blastRadius.length <= SCANNED_RADIUS) {
      for (const service of fewer) if (other.blastRadius.includes(service)) return true;
      return false;
    }
    const larger = radiusSet(sets, other);
    for (const service of fewer) if (larger.has(service)) return true;
    return false;
  }
  const a = radiusSet(sets, later);
  const b = radiusSet(sets, earlier);
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const service of small) if (large.has(service)) return true;
  return false;
}

/** A predicted run: start and end as epoch milliseconds. */
export interface Slot {
  start: number;
  end: number;
}

/**
 * Predicts when each occupant runs if nobody preempts anyone: admitted ones run from their admission for their
 * predicted duration (never ending before `now`); queued ones follow in queue order, each starting once every
 * earlier occupant it must wait for has ended. Durations are lower bounds (reviews and verification are not
 * counted), so predicted instants are the earliest possible.
 */
export function predictSchedule(
  occupants: readonly Occupant[],
  now: Date,
  sets: RadiusSets = new Map(),
): Map<string, Slot> {
  const nowMs = now.getTime();
  const slots = new Map<string, Slot>();
  const placed: Array<{ occupant: Occupant; slot: Slot }> = [];
  for (const occupant of occupants) {
    if (occupant.status !== 'admitted') continue;
    const start = Date.parse(occupant.admittedAt ?? occupant.lastSeenAt);
    const slot = { start, end: Math.max(nowMs, start + occupant.predictedDurationSeconds * 1000) };
    slots.set(occupant.intentId, slot);
    placed.push({ occupant, slot });
  }
  const queued = occupants.filter((o) => o.status === 'queued').sort(queueOrder);
  for (const occupant of queued) {
    let start = nowMs;
    for (const earlier of placed) {
      // Only a later end can move the start, so the overlap test is skipped when it could not.
      if (earlier.slot.end <= start) continue;
      if (waitsFor(occupant, earlier.occupant, sets)) start = earlier.slot.end;
    }
    const slot = { start, end: start + occupant.predictedDurationSeconds * 1000 };
    slots.set(occupant.intentId, slot);
    placed.push({ occupant, slot });
  }
  return slots;
}
