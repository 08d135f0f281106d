import {
  abandonQueuedAfterSeconds,
  decideNonInterference,
  isAbandoned,
  lapsesAt,
  leaseGraceSeconds,
  parkSeconds,
  queueRetry,
} from '../../../lambdas/core/admission/non-interference.js';
import { minutesFrom, now, occupant, queued } from './occupants.js';

/** A new arrival on `lane` with `radius`, ticket 10, 13-minute rollout. */
const arrival = (lane: string, radius: string[], overrides = {}) =>
  queued('new', lane, radius, 10, {
    lastSeenAt: now.toISOString(),
    arrivedAt: now.toISOString(),
    ...overrides,
  });

describe('non-interference: disjoint and overlapping intents', () => {
  test('a disjoint intent is admitted beside an in-flight one', () => {
    // Prepare
    const inFlight = occupant('a', 'a-prod', ['a', 'b']);

    // Act
    const decision = decideNonInterference({
      candidate: arrival('c-prod', ['c']),
      others: [inFlight],
      now,
      override: false,
    });

    // Assess
    expect(decision.verdict).toBe('admitted');
    expect(decision.blockers).toEqual([]);
    expect(decision.checked).toEqual([
      expect.objectContaining({
        intentId: 'a',
        relation: 'in-flight',
        overlaps: false,
        blocks: false,
        predictedTimeToValueChangeSeconds: 0,
      }),
    ]);
    expect(decision.predictedCompletionAt).toBe(minutesFrom(now, 13));
  });

  test('the same lane queues the intent behind the in-flight release', () => {
    // Act
    const decision = decideNonInterference({
      candidate: arrival('a-prod', ['a2']),
      others: [occupant('a', 'a-prod', ['a'])],
      now,
      override: false,
    });

    // Assess
    expect(decision).toMatchObject({
      verdict: 'queued',
      blockers: [
        { intentId: 'a', overlap: { lane: true, services: [] }, predictedFreeAt: minutesFrom(now, 8) },
      ],
      predictedStartAt: minutesFrom(now, 8),
      predictedCompletionAt: minutesFrom(now, 21),
    });
  });

  test('an overlapping blast radius queues it, naming the shared services; nobody in flight is slowed', () => {
    // Prepare: a change to launch-flags is in flight; incident-router depends on it.
    const flags = occupant('flags', 'launch-flags-prod', [
      'launch-flags',
      'incident-router',
      'support-escalation',
    ]);
    const other = occupant('other', 'model-gateway-prod', ['model-gateway']);

    // Act
    const decision = decideNonInterference({
      candidate: arrival('incident-router-prod', ['incident-router', 'support-escalation']),
      others: [flags, other],
      now,
      override: false,
    });

    // Assess
    expect(decision.verdict).toBe('queued');
    expect(decision.blockers[0]?.overlap.services).toEqual(['incident-router', 'support-escalation']);
    expect(
      decision.checked.map((c) => [c.intentId, c.overlaps, c.predictedTimeToValueChangeSeconds]),
    ).toEqual([
      ['flags', true, 0],
      ['other', false, 0],
    ]);
  });

  test('the retry waits until the predicted start, within the queue bounds', () => {
    // Act
    const soon = decideNonInterference({
      candidate: arrival('a-prod', ['a']),
      others: [occupant('a', 'a-prod', ['a'], { admittedAt: minutesFrom(now, -12.9) })],
      now,
      override: false,
    });
    const later = decideNonInterference({
      candidate: arrival('a-prod', ['a']),
      others: [occupant('a', 'a-prod', ['a'], { predictedDurationSeconds: 3600 })],
      now,
      override: false,
    });

    // Assess
    expect(soon.retryAfterSeconds).toBe(15);
    expect(later.retryAfterSeconds).toBe(300);
  });
});

describe('non-interference: arrival order', () => {
  test('a later arrival that overlaps a queued intent waits behind it, even when the lane it wants is free', () => {
    // Prepare: Q waits for A (shared "s"); the newcomer overlaps Q only (shared "q").
    const a = occupant('a', 'a-prod', ['a', 's']);
    const q = queued('q', 'q-prod', ['q', 's'], 5);

    // Act
    const decision = decideNonInterference({
      candidate: arrival('n-prod', ['n', 'q']),
      others: [a, q],
      now,
      override: false,
    });

    // Assess
    expect(decision.verdict).toBe('queued');
    expect(decision.blockers.map((b) => b.intentId)).toEqual(['q']);
    expect(decision.predictedStartAt).toBe(minutesFrom(now, 21));
    const ahead = decision.checked.find((c) => c.intentId === 'q');
    expect(ahead).toMatchObject({ relation: 'queued-ahead', predictedTimeToValueChangeSeconds: 0 });
  });

  test('a later arrival disjoint from every queued and in-flight intent is not held up by the queue', () => {
    // Prepare
    const a = occupant('a', 'a-prod', ['a', 's']);
    const q = queued('q', 'q-prod', ['q', 's'], 5);

    // Act
    const decision = decideNonInterference({
      candidate: arrival('n-prod', ['n']),
      others: [a, q],
      now,
      override: false,
    });

    // Assess
    expect(decision.verdict).toBe('admitted');
  });

  test('the queued intent itself is admitted once what it waited for is gone, ahead of later arrivals', () => {
    // Prepare: A concluded; Q (ticket 5) re-checks while a later newcomer (ticket 7) also waits for the lane.
    const q = queued('q', 'q-prod', ['q'], 5);
    const later = queued('later', 'q-prod', ['q'], 7);

    // Act
    const decision = decideNonInterference({ candidate: q, others: [later], now, override: false });

    // Assess
    expect(decision.verdict).toBe('admitted');
    expect(decision.checked).toEqual([
      expect.objectContaining({
        intentId: 'later',
        relation: 'queued-behind',
        predictedTimeToValueChangeSeconds: 0,
      }),
    ]);
  });
});

describe('non-interference: deadlines', () => {
  test('a deadline the queue cannot meet rejects the intent, naming what it waits for and what would pass', () => {
    // Prepare
    const a = occupant('a', 'a-prod', ['a'], { predictedDurationSeconds: 3600 });

    // Act
    const decision = decideNonInterference({
      candidate: arrival('a-prod', ['a']),
      others: [a],
      now,
      override: false,
      deadline: new Date(minutesFrom(now, 30)),
    });

    // Assess
    expect(decision.verdict).toBe('rejected');
    expect(decision.deadlineMiss?.reason).toBe(
      `the release queue cannot meet the deadline ${minutesFrom(now, 30)}: it waits for a (in flight, same lane a-prod, free at ${minutesFrom(now, 55)} at the earliest), then its own rollout and bake (itv.Linear25Percent8Minutes, 13 min) ends at ${minutesFrom(now, 68)} at the earliest`,
    );
    expect(decision.deadlineMiss?.remedy).toMatch(
      new RegExp(`^Set a deadline at or after ${minutesFrom(now, 68)}, resubmit once a finish`),
    );
  });

  test('a deadline the queue can meet keeps the intent queued', () => {
    // Act
    const decision = decideNonInterference({
      candidate: arrival('a-prod', ['a']),
      others: [occupant('a', 'a-prod', ['a'])],
      now,
      override: false,
      deadline: new Date(minutesFrom(now, 21)),
    });

    // Assess
    expect(decision.verdict).toBe('queued');
    expect(decision.deadlineMiss).toBeUndefined();
  });

  test('a deadline its own rollout cannot meet is rejected even with nothing in the way', () => {
    // Act
    const decision = decideNonInterference({
      candidate: arrival('a-prod', ['a']),
      others: [],
      now,
      override: false,
      deadline: new Date(minutesFrom(now, 5)),
    });

    // Assess
    expect(decision.verdict).toBe('rejected');
    expect(decision.deadlineMiss?.remedy).toBe(`Set a deadline at or after ${minutesFrom(now, 13)}.`);
  });
});

describe('non-interference: emergency override', () => {
  test('an override jumps the queue and ignores blast-radius overlap, and is charged with the delay it causes', () => {
    // Prepare: A in flight shares "s" with the override; Q queued earlier shares "o" with it.
    const a = occupant('a', 'a-prod', ['a', 's'], { valuePerHourUsd: 500 });
    const q = queued('q', 'q-prod', ['q', 'o'], 5, { valuePerHourUsd: 360 });

    // Act
    const decision = decideNonInterference({
      candidate: arrival('o-prod', ['o', 's'], { emergencyOverride: true }),
      others: [a, q],
      now,
      override: true,
    });

    // Assess: Q now starts after the override's 13 minutes, not now; A runs on untouched.
    expect(decision.verdict).toBe('admitted');
    const byId = Object.fromEntries(decision.checked.map((c) => [c.intentId, c]));
    expect(byId.a).toMatchObject({
      relation: 'in-flight',
      predictedTimeToValueChangeSeconds: 0,
      costOfDelayUsd: 0,
    });
    expect(byId.q).toMatchObject({
      relation: 'queued-ahead',
      predictedTimeToValueChangeSeconds: 780,
      costOfDelayUsd: 78,
    });
    expect(decision.overrideCost).toEqual({
      delayedIntents: 1,
      totalDelaySeconds: 780,
      totalCostOfDelayUsd: 78,
      sharedBlastRadiusWith: ['a'],
      preempted: [],
    });
  });

  test('an override still waits for its own lane: AppConfig runs one deployment per environment', () => {
    // Act
    const decision = decideNonInterference({
      candidate: arrival('a-prod', ['a'], { emergencyOverride: true }),
      others: [occupant('a', 'a-prod', ['a'])],
      now,
      override: true,
    });

    // Assess
    expect(decision.verdict).toBe('queued');
    expect(decision.blockers[0]?.overlap.lane).toBe(true);
  });

  test('without override authority the same intent queues like any other', () => {
    // Act
    const decision = decideNonInterference({
      candidate: arrival('o-prod', ['o', 's'], { emergencyOverride: true }),
      others: [occupant('a', 'a-prod', ['a', 's'])],
      now,
      override: false,
    });

    // Assess
    expect(decision.verdict).toBe('queued');
    expect(decision.overrideCost).toBeUndefined();
  });
});

describe('non-interference: places whose executions are gone', () => {
  test('a queued place not refreshed for an hour is ignored and reported', () => {
    // Prepare
    const stale = queued('stale', 'a-prod', ['a'], 3, {
      lastSeenAt: new Date(now.getTime() - (abandonQueuedAfterSeconds + 1) * 1000).toISOString(),
    });

    // Act
    const decision = decideNonInterference({
      candidate: arrival('a-prod', ['a']),
      others: [stale],
      now,
      override: false,
    });

    // Assess
    expect(decision).toMatchObject({ verdict: 'admitted', abandoned: ['stale'], checked: [] });
  });

  test('a lease held past its rollout plus the longest review wait is ignored', () => {
    // Prepare
    const expired = occupant('expired', 'a-prod', ['a'], { admittedAt: minutesFrom(now, -8 * 24 * 60) });

    // Act
    const decision = decideNonInterference({
      candidate: arrival('a-prod', ['a']),
      others: [expired],
      now,
      override: false,
    });

    // Assess
    expect(decision.abandoned).toEqual(['expired']);
    expect(decision.verdict).toBe('admitted');
  });
});

describe('non-interference: when the park of a queued intent ends by itself', () => {
  test('at the first of its blockers lapsing — an expired lease, an abandoned queue place — six hours at most', () => {
    // Prepare: the lane's holder was admitted a week ago (its lease lapses in 20 minutes); a queued intent ahead on
    // the same lane was last seen 6 h 50 min ago (its place lapses in 10 minutes).
    const lease = occupant('holder', 'a-prod', ['a'], {
      admittedAt: new Date(now.getTime() - (leaseGraceSeconds + 13 * 60) * 1000 + 20 * 60_000).toISOString(),
    });
    const ahead = queued('ahead', 'a-prod', ['a'], 2, { lastSeenAt: minutesFrom(now, -410) });

    // Act
    const both = decideNonInterference({
      candidate: arrival('a-prod', ['a']),
      others: [lease, ahead],
      now,
      override: false,
    });
    const fresh = decideNonInterference({
      candidate: arrival('a-prod', ['a']),
      others: [occupant('a', 'a-prod', ['a'])],
      now,
      override: false,
    });

    // Assess
    expect(lapsesAt(lease)).toBe(now.getTime() + 20 * 60_000);
    expect(lapsesAt(ahead)).toBe(now.getTime() - 410 * 60_000 + abandonQueuedAfterSeconds * 1000);
    expect(both.verdict).toBe('queued');
    expect(both.firstLapseAt).toBe(now.getTime() + 10 * 60_000);
    expect(parkSeconds(now.getTime(), both.firstLapseAt)).toBe(10 * 60 + 1);
    // A fresh lease lapses in about a week: the park re-checks after six hours all the same.
    expect(parkSeconds(now.getTime(), fresh.firstLapseAt)).toBe(queueRetry.parkSeconds);
    expect(parkSeconds(now.getTime(), undefined)).toBe(queueRetry.parkSeconds);
    // Once past the lapse, the place is abandoned: the intent no longer waits for it.
    const later = new Date(now.getTime() + parkSeconds(now.getTime(), both.firstLapseAt) * 1000);
    expect(isAbandoned(ahead, later.getTime())).toBe(true);
  });
});
