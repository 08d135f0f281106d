import { LocalExecutions } from '../../../cli/runtime/local-executions.js';
import type { ExecutionReport, LocalPipeline } from '../../../cli/runtime/local-pipeline.js';
import type { ReleaseDecisionRequest } from '../../../lambdas/core/pipeline/release-decision.js';
import type { ReleaseDecision } from '../../../lambdas/core/pipeline/state.js';
import { MemoryLedgerStore } from '../pipeline/helpers/memory-ledger.js';

/**
 * A pipeline whose first execution of `int-1` runs until the test lets it park, and which counts resumptions
 * of the decision wait; the wait stays pending until a resumption applies it.
 */
function pipelineParkingOnRelease() {
  let park: (report: ExecutionReport) => void = () => {};
  let pending = true;
  const resumed: string[] = [];
  const pipeline = {
    admit: async () => ({
      execution: new Promise<ExecutionReport>((resolve) => {
        park = resolve;
      }),
    }),
    pendingReleaseDecision: async () =>
      pending ? ({ intentId: 'int-1' } as ReleaseDecisionRequest) : undefined,
    resumeReleaseDecision: async (intentId: string) => {
      resumed.push(intentId);
      pending = false;
      return { executionId: 'resumed', intentId, status: 'succeeded' } as ExecutionReport;
    },
    // Whose deadlines the executions' owner answers (none passes here).
    parkedWaits: { onDue: () => {} },
  } as unknown as LocalPipeline;
  return { pipeline, resumed, park: (report: ExecutionReport) => park(report) };
}

const request = { intentId: 'int-1' } as ReleaseDecisionRequest;
const decided = { decision: 'hold' } as ReleaseDecision;
const caller = { principal: 'alice', authenticatedAs: { method: 'local' as const, via: 'test' } };

describe('a decision that arrives while its execution is still parking', () => {
  test('is not lost: the execution is resumed once it has parked', async () => {
    // Prepare: the execution runs; its wait has read no decision and is about to park.
    const { pipeline, resumed, park } = pipelineParkingOnRelease();
    const executions = new LocalExecutions(pipeline, new MemoryLedgerStore(), 'test');
    await executions.start(
      { name: 'int-1', intentId: 'int-1' },
      { intent: {}, source: 'cli', submittedAt: '', caller },
    );

    // Act: the decision is handed over before the execution has parked, then it parks.
    const handedOver = executions.completeReleaseDecision(request, decided);
    park({ executionId: 'first', intentId: 'int-1', status: 'parked' });
    await handedOver;
    await executions.idle();

    // Assess
    expect(resumed).toEqual(['int-1']);
  });

  test('a decision handed over again once the wait was applied resumes nothing', async () => {
    // Prepare
    const { pipeline, resumed } = pipelineParkingOnRelease();
    const executions = new LocalExecutions(pipeline, new MemoryLedgerStore(), 'test');
    await executions.completeReleaseDecision(request, decided);
    await executions.idle();

    // Act
    await executions.completeReleaseDecision(request, decided);
    await executions.idle();

    // Assess
    expect(resumed).toEqual(['int-1']);
  });
});
