import type { ReviewRequest } from '../../lambdas/core/pipeline/review.js';
import type { ReviewResult } from '../../lambdas/core/pipeline/state.js';
import type { Executions } from '../../lambdas/ports/executions.js';
import type { LedgerStore } from '../../lambdas/ports/ledger-store.js';
import type { ExecutionReport, LocalPipeline } from './local-pipeline.js';

/**
 * Executions on the local runtime: each runs in this process in the background, named after its intent
 * like on Step Functions, so a resubmission is a duplicate rather than a second change.
 */
export class LocalExecutions implements Executions {
  private readonly running = new Map<string, Promise<ExecutionReport>>();
  private readonly starting = new Set<string>();

  constructor(
    private readonly pipeline: LocalPipeline,
    private readonly ledger: LedgerStore,
    private readonly ledgerName: string,
    private readonly onError: (error: unknown) => void = console.error,
  ) {}

  async start(name: string, input: Parameters<Executions['start']>[1]) {
    // The API names executions after the intent id, so the name finds the intent's ledger entries.
    // The name is taken before the first await, so two submissions of one intent never both start it.
    if (this.running.has(name) || this.starting.has(name)) return 'duplicate' as const;
    this.starting.add(name);
    try {
      if ((await this.ledger.forIntent(this.ledgerName, name)).length > 0) return 'duplicate' as const;
      const { execution } = await this.pipeline.admit(
        { intent: input.intent, source: input.source, caller: input.caller },
        name,
      );
      this.track(name, execution);
      return { executionId: `local:${name}` };
    } finally {
      this.starting.delete(name);
    }
  }

  async completeReview(request: ReviewRequest, _review: ReviewResult): Promise<void> {
    // The decision is already in the state store; the resumed execution reads it at the review wait.
    this.track(`${request.intentId}:resume`, this.pipeline.resume(request.intentId));
  }

  /** Resumes the executions that were running when the process died; returns how many. */
  async recover(): Promise<number> {
    const recovered = await this.pipeline.recover();
    for (const { intentId, execution } of recovered) this.track(intentId, execution);
    return recovered.length;
  }

  /** How many executions are running (a parked one is not). */
  get inFlight(): number {
    return this.running.size;
  }

  /** Whether an execution of this intent (its first run or its resumption after review) is running. */
  isRunning(intentId: string): boolean {
    return (
      this.starting.has(intentId) || this.running.has(intentId) || this.running.has(`${intentId}:resume`)
    );
  }

  /** Resolves when every execution started so far has ended or parked. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  private track(name: string, execution: Promise<ExecutionReport>): void {
    this.running.set(name, execution);
    execution.catch(this.onError).finally(() => this.running.delete(name));
  }
}
