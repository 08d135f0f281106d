import { nextStepLines, waitDetailsOf } from '../../../cli/commands/next-step.js';
import type { IntentStatus } from '../../../lambdas/core/pipeline/status.js';

const parked = (status: string): IntentStatus => ({
  intentId: 'i-1',
  title: 'A change',
  service: 'pricing-engine',
  status,
  outcome: null,
  tier: 2,
  timeToValueSeconds: null,
  valuePerHourUsd: null,
  valuePerHourPerEmployeeUsd: null,
  reasons: [],
  rolloutPercentage: null,
  steps: [],
});

describe('what to do next with an intent that waits, named from its ledger', () => {
  test('the details come from the newest entry of each kind', () => {
    // Act
    const details = waitDetailsOf([
      { type: 'review.requested', payload: { requester: 'victor', reviewers: ['yolanda'] } },
      { type: 'review.requested', payload: { requester: 'victor', reviewers: ['xavier'] } },
      {
        type: 'verification.awaiting-checks',
        payload: { missing: ['quote-regression-suite'], deadline: '2026-12-04T18:00:00.000Z' },
      },
      { type: 'admission.scheduled', payload: { dueAt: '2026-12-05T09:00:00.000Z' } },
    ]);
    // Assess
    expect(details).toEqual({
      reviewers: ['xavier'],
      checks: ['quote-regression-suite'],
      checksDeadline: '2026-12-04T18:00:00.000Z',
      dueAt: '2026-12-05T09:00:00.000Z',
    });
    expect(waitDetailsOf([{ type: 'review.requested', payload: { requester: 'victor' } }])).toEqual({});
  });

  test('a review names its reviewer of record, and locally runs as them when there is one', () => {
    expect(nextStepLines(parked('awaiting-review'), 'local', { reviewers: ['xavier'] })).toBe(
      '\ni-1 waits for a reviewer of record (xavier):\n  itv review i-1 --approve --as xavier',
    );
    expect(nextStepLines(parked('awaiting-review'), 'local', { reviewers: ['xavier', 'yolanda'] })).toBe(
      '\ni-1 waits for a reviewer of record (xavier, yolanda):\n  itv review i-1 --approve --as <reviewer>',
    );
    // Deployed, the reviewer is whoever is signed in; with no reviewers recorded, none is named.
    expect(nextStepLines(parked('awaiting-review'), 'deployed')).toBe(
      '\ni-1 waits for a reviewer of record:\n  itv review i-1 --approve',
    );
  });

  test('a check wait names each check it waits for, and until when', () => {
    expect(
      nextStepLines(parked('awaiting-checks'), 'local', {
        checks: ['quote-regression-suite', 'load-test'],
        checksDeadline: '2026-12-04T18:00:00.000Z',
      }),
    ).toBe(
      [
        '',
        "i-1 waits until 2026-12-04T18:00:00.000Z for CI's result of quote-regression-suite, load-test:",
        '  itv check report i-1 quote-regression-suite --status passed|failed --as <principal>',
        '  itv check report i-1 load-test --status passed|failed --as <principal>',
      ].join('\n'),
    );
    expect(nextStepLines(parked('awaiting-checks'), 'deployed')).toBe(
      '\ni-1 waits for CI to report the checks it names:\n  itv check report i-1 CHECK --status passed|failed',
    );
  });

  test('an intent that does not wait has no next step', () => {
    expect(nextStepLines(parked('released'), 'local', { reviewers: ['xavier'] })).toBe('');
  });
});
