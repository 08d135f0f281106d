import { mustWaitFor, overlapOf, queueOrder } from '../../../lambdas/core/admission/occupant.js';
import { predictSchedule } from '../../../lambdas/core/admission/schedule.js';
import { minutesFrom, now, occupant, queued } from './occupants.js';

const at = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('overlap', () => {
  test('same lane overlaps even with disjoint blast radii', () => {
    expect(overlapOf(occupant('a', 'x-prod', ['x']), occupant('b', 'x-prod', ['y']))).toEqual({
      lane: true,
      services: [],
    });
  });

  test('shared services in the blast radii overlap, and are named', () => {
    expect(overlapOf(occupant('a', 'x-prod', ['x', 'z']), occupant('b', 'y-prod', ['y', 'z']))).toEqual({
      lane: false,
      services: ['z'],
    });
  });

  test('different lanes and disjoint radii do not overlap', () => {
    expect(overlapOf(occupant('a', 'x-prod', ['x']), occupant('b', 'y-prod', ['y']))).toBeUndefined();
  });

  test('an emergency override waits for its lane only', () => {
    const override = queued('o', 'x-prod', ['x'], 9, { emergencyOverride: true });
    expect(mustWaitFor(override, { lane: false, services: ['x'] })).toBe(false);
    expect(mustWaitFor(override, { lane: true, services: [] })).toBe(true);
    expect(mustWaitFor(queued('q', 'x-prod', ['x'], 9), { lane: false, services: ['x'] })).toBe(true);
  });

  test('queue order: overrides first, then arrival ticket', () => {
    const order = [
      queued('late', 'l', [], 5),
      queued('override', 'l', [], 7, { emergencyOverride: true }),
      queued('early', 'l', [], 2),
    ]
      .sort(queueOrder)
      .map((o) => o.intentId);
    expect(order).toEqual(['override', 'early', 'late']);
  });
});

describe('predictSchedule', () => {
  test('an admitted intent ends after its predicted duration; an overrunning one ends no earlier than now', () => {
    // Prepare
    const onTime = occupant('a', 'a-prod', ['a']);
    const overrunning = occupant('b', 'b-prod', ['b'], { admittedAt: minutesFrom(now, -60) });

    // Act
    const slots = predictSchedule([onTime, overrunning], now);

    // Assess
    expect(at(slots.get('a')?.end)).toBe(minutesFrom(now, 8));
    expect(at(slots.get('b')?.end)).toBe(now.toISOString());
  });

  test('queued intents chain behind what they overlap, in arrival order, and run beside what they do not', () => {
    // Prepare: A in flight on shared; Q1 overlaps A; Q2 overlaps Q1 only; Q3 overlaps nothing.
    const a = occupant('a', 'a-prod', ['a', 'shared']);
    const q1 = queued('q1', 'q1-prod', ['q1', 'shared', 'link'], 2);
    const q2 = queued('q2', 'q2-prod', ['q2', 'link'], 3, { predictedDurationSeconds: 60 });
    const q3 = queued('q3', 'q3-prod', ['q3'], 4);

    // Act
    const slots = predictSchedule([q3, q2, q1, a], now);

    // Assess
    expect(at(slots.get('q1')?.start)).toBe(minutesFrom(now, 8));
    expect(at(slots.get('q2')?.start)).toBe(minutesFrom(now, 21));
    expect(at(slots.get('q2')?.end)).toBe(minutesFrom(now, 22));
    expect(at(slots.get('q3')?.start)).toBe(now.toISOString());
  });
});
