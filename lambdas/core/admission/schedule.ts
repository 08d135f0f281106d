import { mustWaitFor, type Occupant, overlapOf, queueOrder } from './occupant.js';

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
export function predictSchedule(occupants: readonly Occupant[], now: Date): Map<string, Slot> {
  const nowMs = now.getTime();
  const slots = new Map<string, Slot>();
  const placed: Array<{ occupant: Occupant; radius: Set<string>; slot: Slot }> = [];
  for (const occupant of occupants) {
    if (occupant.status !== 'admitted') continue;
    const start = Date.parse(occupant.admittedAt ?? occupant.lastSeenAt);
    const slot = { start, end: Math.max(nowMs, start + occupant.predictedDurationSeconds * 1000) };
    slots.set(occupant.intentId, slot);
    placed.push({ occupant, radius: new Set(occupant.blastRadius), slot });
  }
  const queued = occupants.filter((o) => o.status === 'queued').sort(queueOrder);
  for (const occupant of queued) {
    let start = nowMs;
    for (const earlier of placed) {
      if (mustWaitFor(occupant, overlapOf(occupant, earlier.occupant, earlier.radius))) {
        start = Math.max(start, earlier.slot.end);
      }
    }
    const slot = { start, end: start + occupant.predictedDurationSeconds * 1000 };
    slots.set(occupant.intentId, slot);
    placed.push({ occupant, radius: new Set(occupant.blastRadius), slot });
  }
  return slots;
}
