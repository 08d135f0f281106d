import { costOfDelay, decideNonInterference } from '../../../lambdas/core/admission/non-interference.js';
import { queueOrder } from '../../../lambdas/core/admission/occupant.js';
import {
  choosePreemption,
  type LaneRelease,
  requeuedAfterPreemption,
} from '../../../lambdas/core/admission/preemption.js';
import { now, occupant, queued } from './occupants.js';

const lane = 'launch-flags/production';
const routine = occupant('int-routine', lane, ['launch-flags']);
const release: LaneRelease = {
  intentId: 'int-routine',
  deploymentId: 'dep-1',
  service: 'launch-flags',
  environment: lane,
  plan: { rollbackOnAlarm: true, onRegression: 'rollback' },
};
/** An authorized emergency on the routine's lane, 4 minutes of rollout and bake. */
const emergency = queued('int-fix', lane, ['launch-flags'], 9, {
  emergencyOverride: true,
  predictedDurationSeconds: 240,
});

describe('choosing to preempt the release on an emergency lane', () => {
  test('an authorized emergency preempts a revertible release under way on its lane', () => {
    // Act
    const choice = choosePreemption({
      candidate: emergency,
      others: [routine],
      releases: new Map([[routine.intentId, release]]),
    });

    // Assess
    expect(choice).toMatchObject({ action: 'preempt', holder: { intentId: 'int-routine' }, release });
  });

  test('a release whose constraints forbid reverting is not stopped: the emergency waits, and says why', () => {
    // Prepare
    const irreversible = { ...release, plan: { rollbackOnAlarm: false, onRegression: 'freeze' as const } };

    // Act
    const choice = choosePreemption({
      candidate: emergency,
      others: [routine],
      releases: new Map([[routine.intentId, irreversible]]),
    });

    // Assess
    expect(choice).toMatchObject({ action: 'wait', reason: expect.stringMatching(/forbid reverting/) });
  });

  test('a lane holder with no deployment yet, or holding it under its own emergency, is waited for', () => {
    // Act
    const notStarted = choosePreemption({ candidate: emergency, others: [routine], releases: new Map() });
    const otherEmergency = choosePreemption({
      candidate: emergency,
      others: [{ ...routine, emergencyOverride: true }],
      releases: new Map([[routine.intentId, release]]),
    });

    // Assess
    expect(notStarted).toMatchObject({ action: 'wait', reason: expect.stringMatching(/no release to stop/) });
    expect(otherEmergency).toMatchObject({ action: 'wait', reason: expect.stringMatching(/emergencies/) });
  });

  test('an ordinary intent, or an emergency whose lane is free, preempts nobody', () => {
    // Act
    const ordinary = choosePreemption({
      candidate: { ...emergency, emergencyOverride: false },
      others: [routine],
      releases: new Map([[routine.intentId, release]]),
    });
    const elsewhere = choosePreemption({
      candidate: { ...emergency, lane: 'hiring-portal/production' },
      others: [routine],
      releases: new Map([[routine.intentId, release]]),
    });

    // Assess
    expect(ordinary).toBeUndefined();
    expect(elsewhere).toBeUndefined();
  });
});

describe('the price of a preemption', () => {
  test('the preempted intent is charged the emergency plus the rollout it redoes, at its value per hour', () => {
    // Prepare: routine, admitted 5 minutes ago for 13, would end at 15:08; a queued intent waits behind it.
    const behind = queued('int-behind', lane, ['launch-flags'], 3, { valuePerHourUsd: 360 });
    const requeued = requeuedAfterPreemption(routine, emergency.intentId, now.toISOString());

    // Act
    const decision = decideNonInterference({
      candidate: emergency,
      others: [routine, behind],
      now,
      override: true,
      preempting: requeued,
    });

    // Assess: the emergency runs 15:00–15:04, routine again in full 15:04–15:17 (9 minutes later than 15:08),
    // and the queued intent after it, 15:17–15:30 instead of 15:08–15:21.
    expect(decision.verdict).toBe('admitted');
    expect(decision.blockers).toEqual([]);
    const byId = Object.fromEntries(decision.checked.map((c) => [c.intentId, c]));
    expect(byId['int-routine']).toMatchObject({
      relation: 'in-flight',
      preempted: true,
      predictedCompletionAt: '2026-11-04T15:17:00.000Z',
      predictedTimeToValueChangeSeconds: 540,
      costOfDelayUsd: 15,
    });
    expect(byId['int-behind']).toMatchObject({ predictedTimeToValueChangeSeconds: 540, costOfDelayUsd: 54 });
    expect(byId['int-behind']?.preempted).toBeUndefined();
    expect(decision.overrideCost).toEqual({
      delayedIntents: 2,
      totalDelaySeconds: 1080,
      totalCostOfDelayUsd: 69,
      sharedBlastRadiusWith: [],
      preempted: ['int-routine'],
    });
  });

  test('without preemption the emergency waits for the lane and the release on it is not delayed', () => {
    // Act
    const decision = decideNonInterference({ candidate: emergency, others: [routine], now, override: true });

    // Assess
    expect(decision.verdict).toBe('queued');
    expect(decision.checked[0]).toMatchObject({ predictedTimeToValueChangeSeconds: 0, costOfDelayUsd: 0 });
    expect(decision.overrideCost?.preempted).toEqual([]);
  });

  test('cost of delay is value per hour times the delay, to the cent, and a gain costs nothing', () => {
    expect(costOfDelay(1200, 1800)).toBe(600);
    expect(costOfDelay(100, 1)).toBe(0.03);
    expect(costOfDelay(1200, -60)).toBe(0);
  });

  test('a preempted intent waits at the head of its lane: after emergencies, before earlier arrivals', () => {
    // Prepare
    const requeued = requeuedAfterPreemption(
      { ...routine, arrival: 7 },
      emergency.intentId,
      now.toISOString(),
    );
    const earlier = queued('int-earlier', lane, ['launch-flags'], 2);

    // Act
    const order = [earlier, emergency, requeued].sort(queueOrder).map((o) => o.intentId);

    // Assess
    expect(requeued).toMatchObject({ status: 'queued', preemptedBy: 'int-fix' });
    expect(requeued.admittedAt).toBeUndefined();
    expect(order).toEqual(['int-fix', 'int-routine', 'int-earlier']);
  });

  test('after a preemption a later emergency waits for the emergency holding the lane, never for the release it stopped', () => {
    // Prepare: int-fix preempted the routine and holds the lane; int-fix-2 arrives after it.
    const requeued = requeuedAfterPreemption(routine, emergency.intentId, now.toISOString());
    const fix = occupant('int-fix', lane, ['launch-flags'], { emergencyOverride: true, arrival: 9 });
    const later = queued('int-fix-2', lane, ['launch-flags'], 10, { emergencyOverride: true });

    // Act
    const second = decideNonInterference({ candidate: later, others: [fix, requeued], now, override: true });
    const stopped = decideNonInterference({
      candidate: requeued,
      others: [fix, later],
      now,
      override: false,
    });

    // Assess: the waits-for relation runs one way: int-fix-2 → int-fix, int-routine → both.
    expect(second.blockers.map((b) => b.intentId)).toEqual(['int-fix']);
    expect(stopped.blockers.map((b) => b.intentId)).toEqual(['int-fix', 'int-fix-2']);
  });
});
