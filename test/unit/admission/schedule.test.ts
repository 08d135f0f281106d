import {
  mustWaitFor,
  type Occupant,
  overlapOf,
  queueOrder,
} from '../../../lambdas/core/admission/occupant.js';
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

describe('predictSchedule against the pairwise rule', () => {
  /** The schedule as the rule states it, pair by pair: `mustWaitFor(later, overlapOf(later, earlier))`. */
  function reference(occupants: Occupant[]): Map<string, { start: number; end: number }> {
    const nowMs = now.getTime();
    const slots = new Map<string, { start: number; end: number }>();
    const placed: Occupant[] = [];
    for (const o of occupants.filter((x) => x.status === 'admitted')) {
      const start = Date.parse(o.admittedAt ?? o.lastSeenAt);
      slots.set(o.intentId, { start, end: Math.max(nowMs, start + o.predictedDurationSeconds * 1000) });
      placed.push(o);
    }
    for (const o of occupants.filter((x) => x.status === 'queued').sort(queueOrder)) {
      let start = nowMs;
      for (const earlier of placed) {
        const end = slots.get(earlier.intentId)!.end;
        if (end > start && mustWaitFor(o, overlapOf(o, earlier))) start = end;
      }
      slots.set(o.intentId, { start, end: start + o.predictedDurationSeconds * 1000 });
      placed.push(o);
    }
    return slots;
  }

  test('agrees on 200 seeded estates of lanes, radii of every size, overrides and durations', () => {
    let state = 2026;
    const random = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 4294967296;
    };
    const pick = (n: number) => Math.floor(random() * n);
    for (let estate = 0; estate < 200; estate++) {
      const occupants: Occupant[] = Array.from({ length: 2 + pick(30) }, (_, i) => {
        const radius = Array.from(
          { length: pick(4) === 0 ? 40 + pick(200) : 1 + pick(4) },
          () => `s${pick(300)}`,
        );
        const overrides = {
          predictedDurationSeconds: 60 * (1 + pick(90)),
          emergencyOverride: pick(6) === 0,
        };
        return pick(3) === 0
          ? occupant(`a${i}`, `l${pick(8)}`, radius, {
              ...overrides,
              admittedAt: minutesFrom(now, -pick(120)),
            })
          : queued(`q${i}`, `l${pick(8)}`, radius, 1 + pick(40), overrides);
      });

      expect(predictSchedule(occupants, now)).toEqual(reference(occupants));
    }
  });
});
