import type { Attempt } from '../core/pipeline/attempts.js';
import type { ReleaseDecisionRequest } from '../core/pipeline/release-decision.js';
import type { ReviewRequest } from '../core/pipeline/review.js';
import type { ReleaseDecision, ReviewResult } from '../core/pipeline/state.js';
import type { Caller } from '../core/principals/caller.js';

/** Starts and resumes pipeline executions: Step Functions on AWS, the in-process runner locally. */
export interface Executions {
  /**
   * Starts the pipeline as execution `name` for the run `intentId` (the intent's id, or its attempt's);
   * `duplicate` when an execution of that name already exists.
   */
  start(
    run: { name: string; intentId: string },
    input: {
      intent: unknown;
      source: 'api' | 'eventbridge' | 'cli';
      submittedAt: string;
      /** Who submitted it, as the entry point authenticated them; the requester is bound to it. */
      caller: Caller;
      /** A later attempt of an intent whose previous attempt ended unreleased. */
      attempt?: Attempt;
    },
  ): Promise<{ executionId: string } | 'duplicate'>;
  /**
   * Hands a reviewer's decision to the execution waiting on it (task token on AWS). `ended` when no wait took
   * it: the wait was already resumed (by an earlier call whose answer was lost) or had timed out. Throws when
   * the execution could not be reached, so the caller can say so and the review be sent again.
   */
  completeReview(request: ReviewRequest, review: ReviewResult): Promise<'resumed' | 'ended'>;
  /**
   * Hands an owner's decision to the held release waiting on it (task token on AWS). Called again for a
   * retried decision: a wait already resumed is no error.
   */
  completeReleaseDecision(request: ReleaseDecisionRequest, decided: ReleaseDecision): Promise<void>;
  /**
   * The wait's deadline passed with no decision. Step Functions times the task out itself; the local runtime
   * resumes the parked execution into the same timeout path.
   */
  releaseDecisionExpired(request: ReleaseDecisionRequest): Promise<void>;
  /**
   * A review wait's deadline passed with nobody deciding (`ReviewTimedOutError`). Step Functions times the task
   * out itself; the local runtime resumes the parked execution into the same timeout, which fails the intent.
   */
  reviewExpired(request: ReviewRequest): Promise<void>;
  /**
   * Resumes the parked waits of an intent somebody asked to stop, so that its stage reads the stop request: the
   * lane park, a scheduled intent's park until its due instant and the park for check results are woken
   * (SendTaskSuccess on AWS), the review wait failed with `IntentStoppedError` (SendTaskFailure). A wait that
   * already ended is no error.
   */
  resumeToStop(
    intentId: string,
    waits: { laneToken?: string; dueToken?: string; checksToken?: string; review?: ReviewRequest },
  ): Promise<void>;
}
