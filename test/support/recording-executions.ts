import type { Executions } from '../../lambdas/ports/executions.js';

/** Stands in for Step Functions' StartExecution: records what would start, and starts nothing. */
export class RecordingExecutions implements Executions {
  readonly started: Array<{ name: string; input: Parameters<Executions['start']>[1] }> = [];
  async start(name: string, input: Parameters<Executions['start']>[1]) {
    this.started.push({ name, input });
    return { executionId: `arn:execution:${name}` };
  }
  async completeReview(): Promise<void> {}
  async completeReleaseDecision(): Promise<void> {
    throw new Error('no release decision here');
  }
  async releaseDecisionExpired(): Promise<void> {
    throw new Error('no release decision here');
  }
}
