import { releaseVerdict } from '../../../lambdas/core/pipeline/learn.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';

/**
 * The rollback alarms treat missing data as not breaching, so a release during which the service published
 * nothing completes. It must not earn confidence: nothing showed the change was healthy.
 */
describe('a release observed without telemetry', () => {
  const completed = (datapoints: number | undefined): PipelineState =>
    ({
      intent: {},
      declared: { intentId: 'int-1', verdict: 'complete' },
      release: { state: 'COMPLETE', deploymentId: '1', startedAt: '2026-11-03T14:00:00Z' },
      observation: {
        evidenceUri: 's3://evidence/snapshots/int-1/x.json',
        evidenceDigest: 'x',
        slosMet: true,
        ...(datapoints === undefined ? {} : { datapoints }),
      },
    }) as unknown as PipelineState;

  test('is not judged: silence earns no confidence and no reusable decision', () => {
    expect(releaseVerdict(completed(0))).toBe('not-judged');
  });

  test('is clean once the window held datapoints', () => {
    expect(releaseVerdict(completed(13))).toBe('clean');
  });

  test('recorded before the count existed, keeps its verdict', () => {
    expect(releaseVerdict(completed(undefined))).toBe('clean');
  });
});
