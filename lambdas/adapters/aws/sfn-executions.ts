import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { IntentStoppedError, ReviewRejectedError } from '../../core/errors.js';
import type { ReleaseDecisionRequest } from '../../core/pipeline/release-decision.js';
import type { ReviewRequest } from '../../core/pipeline/review.js';
import type { ReleaseDecision, ReviewResult } from '../../core/pipeline/state.js';
import type { Executions } from '../../ports/executions.js';

/** Step Functions: executions named after the intent's attempt (so a resubmission is the same execution), task tokens for review. */
export class SfnExecutions implements Executions {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start({ name }: Parameters<Executions['start']>[0], input: Parameters<Executions['start']>[1]) {
    try {
      const started = await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
      return { executionId: started.executionArn ?? name };
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return 'duplicate' as const;
      throw error;
    }
  }

  async completeReview(request: ReviewRequest, review: ReviewResult): Promise<'resumed' | 'ended'> {
    try {
      if (review.decision === 'approved') {
        await this.client.send(
          new SendTaskSuccessCommand({ taskToken: request.taskToken, output: JSON.stringify(review) }),
        );
      } else {
        await this.client.send(
          new SendTaskFailureCommand({
            taskToken: request.taskToken,
            error: ReviewRejectedError.name,
            cause: review.reason ?? 'rejected by the reviewer of record',
          }),
        );
      }
      return 'resumed';
    } catch (error) {
      // TaskTimedOut: "the task token has either expired or the task associated with the token has already
      // been closed" (Step Functions API reference); either way no wait takes this review any more.
      if (error instanceof TaskTimedOut || error instanceof TaskDoesNotExist) return 'ended';
      throw error;
    }
  }

  async completeReleaseDecision(request: ReleaseDecisionRequest, decided: ReleaseDecision): Promise<void> {
    try {
      await this.client.send(
        new SendTaskSuccessCommand({ taskToken: request.taskToken, output: JSON.stringify({ decided }) }),
      );
    } catch (error) {
      // A retried decision whose first call already resumed the wait (or the wait timed out meanwhile, and
      // ApplyReleaseDecision reads the decision from the state table all the same): nothing is left hanging.
      if (error instanceof TaskTimedOut || error instanceof TaskDoesNotExist) return;
      throw error;
    }
  }

  async resumeToStop(
    intentId: string,
    waits: { laneToken?: string; dueToken?: string; checksToken?: string; review?: ReviewRequest },
  ): Promise<void> {
    if (waits.laneToken) {
      // AwaitLane's next state is AdmitPolicy, which honours the stop request.
      await this.sendOnce(
        new SendTaskSuccessCommand({ taskToken: waits.laneToken, output: JSON.stringify({ clear: false }) }),
      );
    }
    if (waits.dueToken) {
      // So is AwaitDue's: a scheduled intent is withdrawn now, not at its due instant.
      await this.sendOnce(
        new SendTaskSuccessCommand({ taskToken: waits.dueToken, output: JSON.stringify({ stopped: true }) }),
      );
    }
    if (waits.checksToken) {
      // AwaitChecks' next state is Verify, which honours the stop request before it verifies anything.
      await this.sendOnce(
        new SendTaskSuccessCommand({ taskToken: waits.checksToken, output: JSON.stringify({ woken: true }) }),
      );
    }
    if (waits.review) {
      // AwaitReview's Catch takes IntentStoppedError to Learn; the cause names the stage as honourStop does.
      await this.sendOnce(
        new SendTaskFailureCommand({
          taskToken: waits.review.taskToken,
          error: IntentStoppedError.name,
          cause: `stopped at AwaitReview by the stop request of ${intentId}`,
        }),
      );
    }
  }

  /** Sends a task response; a wait that already ended (woken, answered, timed out) is no error. */
  private async sendOnce(command: SendTaskSuccessCommand | SendTaskFailureCommand): Promise<void> {
    try {
      await this.client.send(command as SendTaskSuccessCommand);
    } catch (error) {
      if (!(error instanceof TaskTimedOut || error instanceof TaskDoesNotExist)) throw error;
    }
  }

  async releaseDecisionExpired(_request: ReleaseDecisionRequest): Promise<void> {
    // Step Functions ends the wait itself at TimeoutSeconds (States.Timeout → ApplyReleaseDecision).
  }

  async reviewExpired(_request: ReviewRequest): Promise<void> {
    // Step Functions ends the wait itself at TimeoutSeconds (States.Timeout → RecordFailure).
  }
}
