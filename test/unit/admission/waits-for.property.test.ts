import fc from 'fast-check';
import { mustWaitFor, type Occupant, overlapOf } from '../../../lambdas/core/admission/occupant.js';
import { waitsFor } from '../../../lambdas/core/admission/schedule.js';

/*
 * Schedules ask waitsFor of every pair of occupants, and it answers without naming what they share: searching a small
 * radius as it is, building sets only for large ones. Whatever the sizes, its answer must be the one overlapOf and
 * mustWaitFor give, which name the overlap.
 */

const service = fc.integer({ min: 0, max: 60 }).map((n) => `svc-${n}`);
/** Radii around the size at which waitsFor changes how it searches (16), and far from it. */
const radius = fc.oneof(
  fc.uniqueArray(service, { maxLength: 3 }),
  fc.uniqueArray(service, { minLength: 14, maxLength: 18 }),
  fc.uniqueArray(service, { minLength: 30, maxLength: 61 }),
);

function occupant(
  intentId: string,
  lane: string,
  blastRadius: string[],
  emergencyOverride: boolean,
): Occupant {
  return {
    intentId,
    status: 'queued',
    lane,
    blastRadius,
    arrival: 1,
    arrivedAt: '2026-11-04T15:00:00.000Z',
    lastSeenAt: '2026-11-04T15:00:00.000Z',
    predictedDurationSeconds: 300,
    strategy: 'test',
    valuePerHourUsd: 1,
    emergencyOverride,
  };
}

test('waitsFor answers as mustWaitFor over overlapOf, for radii of every size', () => {
  fc.assert(
    fc.property(
      radius,
      radius,
      fc.constantFrom('lane-a', 'lane-b'),
      fc.boolean(),
      (laterRadius, earlierRadius, laterLane, emergency) => {
        const later = occupant('later', laterLane, laterRadius, emergency);
        const earlier = occupant('earlier', 'lane-a', earlierRadius, false);
        expect(waitsFor(later, earlier)).toBe(mustWaitFor(later, overlapOf(later, earlier)));
      },
    ),
    { numRuns: 3000 },
  );
});
