import type { InFlightRecord } from '../state-keys.js';

/** An intent's place in non-interference, with every field the decision needs filled in. */
export interface Occupant {
  intentId: string;
  status: 'admitted' | 'queued';
  lane: string;
  blastRadius: readonly string[];
  /** Arrival ticket; lower goes first. Records from before tickets existed get 0. */
  arrival: number;
  arrivedAt: string;
  admittedAt?: string;
  lastSeenAt: string;
  predictedDurationSeconds: number;
  strategy: string;
  valuePerHourUsd: number;
  emergencyOverride: boolean;
  deadline?: string;
  /** The emergency that stopped its release: it waits at the head of its lane until that emergency ends. */
  preemptedBy?: string;
}

/** Fills the fields an older or partial record lacks: it counts as admitted, with nothing known of its rollout. */
export function toOccupant(record: InFlightRecord): Occupant {
  const status = record.status ?? 'admitted';
  const seen = record.lastSeenAt ?? record.admittedAt ?? record.arrivedAt ?? '1970-01-01T00:00:00.000Z';
  return {
    intentId: record.intentId,
    status,
    lane: record.lane,
    blastRadius: record.blastRadius,
    arrival: record.arrival ?? 0,
    arrivedAt: record.arrivedAt ?? seen,
    ...(status === 'admitted' ? { admittedAt: record.admittedAt ?? seen } : {}),
    lastSeenAt: seen,
    predictedDurationSeconds: record.predictedDurationSeconds ?? 0,
    strategy: record.strategy ?? 'unknown',
    valuePerHourUsd: record.valuePerHourUsd ?? 0,
    emergencyOverride: record.emergencyOverride ?? false,
    ...(record.deadline ? { deadline: record.deadline } : {}),
    ...(record.preemptedBy ? { preemptedBy: record.preemptedBy } : {}),
  };
}

/** The record stored for an occupant. */
export function toRecord(occupant: Occupant): InFlightRecord {
  return { ...occupant, blastRadius: [...occupant.blastRadius] };
}

/** What two intents share: the lane (one AppConfig deployment at a time) and services in both blast radii. */
export interface Overlap {
  lane: boolean;
  services: string[];
}

/** Where `a` and `b` overlap, or undefined when they are disjoint. Pass `bRadius` to reuse a set across calls. */
export function overlapOf(
  a: Pick<Occupant, 'lane' | 'blastRadius'>,
  b: Pick<Occupant, 'lane' | 'blastRadius'>,
  bRadius: ReadonlySet<string> = new Set(b.blastRadius),
): Overlap | undefined {
  const lane = a.lane === b.lane;
  const services = a.blastRadius.filter((s) => bRadius.has(s));
  return lane || services.length > 0 ? { lane, services } : undefined;
}

/**
 * Whether `later` must wait for `earlier` to finish. An ordinary intent waits for any overlap; an emergency
 * override waits only for its lane, because AppConfig cannot run two deployments in one environment.
 */
export function mustWaitFor(later: Occupant, overlap: Overlap | undefined): boolean {
  if (!overlap) return false;
  return later.emergencyOverride ? overlap.lane : true;
}

/**
 * Queue order: emergency overrides first, then intents whose release an emergency preempted (they keep the head
 * of their lane), then arrival ticket, then id for a stable tie-break.
 */
export function queueOrder(a: Occupant, b: Occupant): number {
  if (a.emergencyOverride !== b.emergencyOverride) return a.emergencyOverride ? -1 : 1;
  const aResumes = a.preemptedBy !== undefined;
  if (aResumes !== (b.preemptedBy !== undefined)) return aResumes ? -1 : 1;
  if (a.arrival !== b.arrival) return a.arrival - b.arrival;
  return a.intentId < b.intentId ? -1 : a.intentId > b.intentId ? 1 : 0;
}
