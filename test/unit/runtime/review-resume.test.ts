import { LocalExecutions } from '../../../cli/runtime/local-executions.js';
import type { ExecutionReport, LocalPipeline } from '../../../cli/runtime/local-pipeline.js';
import { claimReviewResumption, type ReviewRequest } from '../../../lambdas/core/pipeline/review.js';
import type { ReviewResult } from '../../../lambdas/core/pipeline/state.js';
import { MemoryLedgerStore } from '../pipeline/helpers/memory-ledger.js';
import { MemoryStateStore } from '../release/helpers/memory-state-store.js';

/** A pipeline parked at the review wait of `int-1`, claiming resumptions in a real (memory) state store. */
function pipelineParkedAtReview() {
  const deps = { state: new MemoryStateStore(), clock: { now: () => new Date('2026-11-02T09:00:00Z') } };
  const resumed: string[] = [];
  const pipeline = {
    claimReviewResumption: (intentId: string) => claimReviewResumption(intentId, deps),
    resume: async (intentId: string) => {
      resumed.push(intentId);
      return { executionId: 'resumed', intentId, status: 'succeeded' } as ExecutionReport;
    },
    // Whose deadlines the executions' owner answers (none passes here).
    parkedWaits: { onDue: () => {} },
  } as unknown as LocalPipeline;
  return { pipeline, resumed };
}

const request = { intentId: 'int-1', taskToken: 'local' } as ReviewRequest;
const review = {
  decision: 'approved',
  reviewer: 'xavier',
  decidedAt: '2026-11-02T09:00:00Z',
} as ReviewResult;

describe('a review handed to the local runtime', () => {
  test('resumes the parked execution once; handed over again (a retried review) it resumes nothing', async () => {
    // Prepare
    const { pipeline, resumed } = pipelineParkedAtReview();
    const executions = new LocalExecutions(pipeline, new MemoryLedgerStore(), 'test');

    // Act
    const first = await executions.completeReview(request, review);
    await executions.idle();
    const again = await executions.completeReview(request, review);
    await executions.idle();

    // Assess
    expect(first).toBe('resumed');
    expect(again).toBe('ended');
    expect(resumed).toEqual(['int-1']);
  });

  test('two reviews handed over at once start one resumption', async () => {
    // Prepare
    const { pipeline, resumed } = pipelineParkedAtReview();
    const executions = new LocalExecutions(pipeline, new MemoryLedgerStore(), 'test');

    // Act
    const answers = await Promise.all([
      executions.completeReview(request, review),
      executions.completeReview(request, review),
    ]);
    await executions.idle();

    // Assess
    expect(answers.sort()).toEqual(['ended', 'resumed']);
    expect(resumed).toEqual(['int-1']);
  });
});
