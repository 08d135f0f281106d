import type { Executions } from '../../lambdas/ports/executions.js';

/** Stands in for Step Functions' StartExecution: records what would start, and starts nothing. */
export class RecordingExecutions implements Executions {
  readonly started: Array<{ name: string; intentId: string; input: Parameters<Executions['start']>[1] }> = [];
  async start(run: Parameters<Executions['start']>[0], input: Parameters<Executions['start']>[1]) {
    this.started.push({ ...run, input });
    return { executionId: `arn:execution:${run.name}` };
  }
  async completeReview(): Promise<'resumed'> {
    return 'resumed';
  }
  async completeReleaseDecision(): Promise<void> {
    throw new Error('no release decision here');
  }
  async resumeToStop(): Promise<void> {
    throw new Error('not expected in this test');
  }

  async releaseDecisionExpired(): Promise<void> {
    throw new Error('no release decision here');
  }

  async reviewExpired(): Promise<void> {
    throw new Error('no review times out here');
  }
}
