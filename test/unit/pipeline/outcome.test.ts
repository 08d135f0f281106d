import { outcomeOf } from '../../../lambdas/core/pipeline/learn.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';

const declared = {
  intentId: 'i',
  verdict: 'complete' as const,
  issues: [],
  declaredAt: '2026-11-02T09:00:00Z',
};
const admission = {
  verdict: 'admitted' as const,
  tier: 1,
  requiresReviewer: false,
  gate: 'auto-continue' as const,
  lane: 's:prod',
  blastRadius: ['s'],
  failed: [],
  retryAfterSeconds: 15,
  attempt: 0,
  policySetHash: 'h',
};
const release = (state: string) => ({
  deploymentId: 'd',
  service: 's',
  environment: 'prod',
  strategy: 'x',
  state,
  percentageComplete: 100,
  startedAt: '2026-11-02T09:00:00Z',
  done: true,
  action: 'continue' as const,
  pollSeconds: 1,
  eventsRecorded: 0,
});

describe('outcomeOf', () => {
  const cases: Array<[string, Partial<PipelineState>]> = [
    ['rejected-incomplete', { declared: { ...declared, verdict: 'incomplete' } }],
    ['rejected-structure', { declared, structure: { verdict: 'invalid', errors: [], missingKeys: [] } }],
    [
      'schema-update-required',
      { declared, structure: { verdict: 'schema-update-required', errors: [], missingKeys: ['x'] } },
    ],
    ['rejected-policy', { declared, admission: { ...admission, verdict: 'rejected' } }],
    [
      'failed-verification',
      { declared, admission, verification: { passed: false, requiresReview: false, results: [] } },
    ],
    ['rejected-review', { declared, admission, reviewError: { Error: 'ReviewRejectedError' } }],
    ['released', { declared, admission, release: release('COMPLETE') }],
    ['rolled-back', { declared, admission, release: release('ROLLED_BACK') }],
    [
      'frozen',
      {
        declared,
        admission,
        release: {
          ...release('COMPLETE'),
          escalation: {
            response: 'freeze',
            cause: 'regression',
            reason: 'monitor tripped',
            at: '2026-11-02T09:04:00Z',
            percentage: 20,
          },
        },
      },
    ],
    ['failed', { declared, error: { Error: 'Boom' } }],
  ];
  test.each(cases)('%s', (expected, state) => {
    expect(outcomeOf({ intent: {}, source: 'cli', ...state } as PipelineState)).toBe(expected);
  });
});
