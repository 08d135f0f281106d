import { exitCodeFor, exitCodes, isSettled } from '../../../cli/exit-codes.js';
import type { IntentStatus } from '../../../lambdas/core/pipeline/status.js';

const statusOf = (status: string, outcome: string | null = null): IntentStatus => ({
  intentId: 'int-1',
  title: null,
  service: null,
  status,
  outcome,
  tier: null,
  timeToValueSeconds: null,
  valuePerHourUsd: null,
  valueRealised: null,
  change: null,
  rolloutPercentage: null,
  deploymentPercentage: null,
  requester: null,
  review: null,
  valuePerHourPerEmployeeUsd: null,
  reasons: [],
  steps: [],
});

describe('exit codes of submit, review and release decide, as the README documents them', () => {
  test.each([
    ['released', 'released'],
    ['awaiting-review', null],
    ['admission.scheduled', null],
  ])('%s exits 0', (status, outcome) => {
    expect(exitCodeFor(statusOf(status, outcome))).toBe(exitCodes.ok);
  });

  test.each([
    ['rolled-back', 'rolled-back'],
    ['rejected-incomplete', 'rejected-incomplete'],
    ['rejected-policy', 'rejected-policy'],
    ['held', 'held'],
    ['frozen', 'frozen'],
    ['failed', null],
    ['awaiting-decision', null],
  ])('%s exits 2', (status, outcome) => {
    expect(exitCodeFor(statusOf(status, outcome))).toBe(exitCodes.notReleased);
  });

  test.each(['releasing', 'review.approved', 'admission.queued', 'preempted'])(
    'an intent still on its way (%s) is no failure: exit 0, not 2',
    (status) => {
      expect(exitCodeFor(statusOf(status))).toBe(exitCodes.ok);
    },
  );

  test('the codes are the documented numbers', () => {
    expect(exitCodes).toEqual({
      ok: 0,
      error: 1,
      notReleased: 2,
      notVerified: 2,
      unanchored: 3,
      timedOut: 4,
      controlPlaneNotStarted: 78,
    });
  });
});

describe('when a command stops following an intent', () => {
  test('an outcome, a failure or a hold waiting for its owners ends the follow', () => {
    expect(isSettled(statusOf('released', 'released'), { untilReviewed: false })).toBe(true);
    expect(isSettled(statusOf('failed'), { untilReviewed: false })).toBe(true);
    expect(isSettled(statusOf('awaiting-decision'), { untilReviewed: false })).toBe(true);
  });

  test('waiting for review ends it unless the command waits for the review', () => {
    expect(isSettled(statusOf('awaiting-review'), { untilReviewed: false })).toBe(true);
    expect(isSettled(statusOf('awaiting-review'), { untilReviewed: true })).toBe(false);
  });

  test('a change scheduled for later ends it unless the command waits for its outcome', () => {
    expect(isSettled(statusOf('admission.scheduled'), { untilReviewed: false })).toBe(true);
    expect(isSettled(statusOf('admission.scheduled'), { untilReviewed: true })).toBe(false);
  });

  test('a review recorded whose execution has not resumed, or an intent queued for its lane, does not', () => {
    expect(isSettled(statusOf('review.approved'), { untilReviewed: false })).toBe(false);
    expect(isSettled(statusOf('admission.queued'), { untilReviewed: false })).toBe(false);
    expect(isSettled(statusOf('releasing'), { untilReviewed: false })).toBe(false);
  });
});
