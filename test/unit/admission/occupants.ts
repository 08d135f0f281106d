import type { Occupant } from '../../../lambdas/core/admission/occupant.js';

/** Test instant: a Wednesday 15:00 UTC. */
export const now = new Date('2026-11-04T15:00:00.000Z');
export const minutesFrom = (base: Date, n: number) => new Date(base.getTime() + n * 60_000).toISOString();

/** An occupant on `lane` with `radius`; admitted `admittedMinutesAgo` before `now`, 13-minute rollout by default. */
export function occupant(
  intentId: string,
  lane: string,
  radius: string[],
  overrides: Partial<Occupant> = {},
): Occupant {
  return {
    intentId,
    status: 'admitted',
    lane,
    blastRadius: radius,
    arrival: 1,
    arrivedAt: minutesFrom(now, -5),
    admittedAt: minutesFrom(now, -5),
    lastSeenAt: minutesFrom(now, -5),
    predictedDurationSeconds: 13 * 60,
    strategy: 'itv.Linear25Percent8Minutes',
    valuePerHourUsd: 100,
    emergencyOverride: false,
    ...overrides,
  };
}

/** A queued occupant with arrival ticket `arrival`, last seen a minute ago. */
export function queued(
  intentId: string,
  lane: string,
  radius: string[],
  arrival: number,
  overrides: Partial<Occupant> = {},
): Occupant {
  const { admittedAt: _admittedAt, ...base } = occupant(intentId, lane, radius);
  return { ...base, status: 'queued', arrival, lastSeenAt: minutesFrom(now, -1), ...overrides };
}
