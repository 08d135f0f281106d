import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { defaultPolicySet } from '../../policies/index.js';
import { InvalidInputError, NotFoundError } from '../core/errors.js';
import type { PipelineDeps } from '../core/pipeline/deps.js';
import {
  NotAwaitingReviewError,
  ReviewResumeFailedError,
  ReviewTimedOutError,
  ReviewWaitEndedError,
  recordReview,
} from '../core/pipeline/review.js';
import type { Executions } from '../ports/executions.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { sfnExecutions } from '../wiring/aws/sfn.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { type Authenticate, iamCaller } from './caller.js';
import { withConventions } from './conventions.js';
import { errorResponse, json, parseBody } from './http.js';
import { conflict } from './problem.js';
import { bodyIssues, reviewBodySchema } from './request-bodies.js';
import { routeOf } from './routes.js';

let executions: Executions | undefined;

/**
 * `POST /intents/{id}/review`: the authenticated caller, resolved to a catalog principal before anything is
 * recorded, is the reviewer of record (never a name in the body). Records the decision with the identity
 * the caller authenticated as, then returns the task token to Step Functions. When that fails the answer is
 * 503 and the same review sent again (same reviewer, same decision) resumes the execution: a retry writes
 * nothing new. 404 for an intent the ledger does not hold; 409 when it is not waiting, was decided otherwise, or its wait had already ended.
 */
export async function reviewIntent(
  event: APIGatewayProxyEvent,
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'clock' | 'state' | 'catalog' | 'policies'>,
  executions: Executions,
  authenticate: Authenticate = iamCaller,
): Promise<APIGatewayProxyResult> {
  try {
    const id = event.pathParameters?.id ?? '';
    // Who calls is settled first: an unknown caller learns nothing about the body or the intent.
    const reviewer = authenticate(event, deps.catalog);
    const body = parseBody(event.body, event.isBase64Encoded);
    const parsed = reviewBodySchema.safeParse(body);
    if (!parsed.success) {
      throw new InvalidInputError(
        'invalid review',
        bodyIssues(parsed.error, body, (key) =>
          key === 'reviewer'
            ? 'the reviewer is the authenticated caller, never a body field'
            : 'not a field of a review (decision, reason): who reviews is the authenticated caller',
        ),
      );
    }
    if ((await deps.ledger.forIntent(deps.ledgerName, id)).length === 0) {
      throw new NotFoundError(`no intent ${id} on the ledger`);
    }
    const { request, review, retried } = await recordReview(
      {
        intentId: id,
        decision: parsed.data.decision === 'approve' ? 'approved' : 'rejected',
        reviewer,
        reason: parsed.data.reason,
      },
      deps,
    );
    let resumed: 'resumed' | 'ended';
    try {
      resumed = await executions.completeReview(request, review);
    } catch (error) {
      throw new ReviewResumeFailedError(
        `the review of intent ${id} is recorded, but resuming its execution failed: retry the same review to resume it`,
        { cause: error },
      );
    }
    // A retry whose wait already ended was resumed by the call it retries; a first review finding no wait
    // says so rather than claiming the execution goes on.
    if (resumed === 'ended' && !retried) {
      throw new ReviewWaitEndedError(
        `the review of intent ${id} is recorded, but its execution no longer waits for one (the wait timed out or the execution stopped): see itv status`,
      );
    }
    return json(200, { intentId: id, review, retried });
  } catch (error) {
    // Past its deadline: the intent fails; the local runtime ends its parked wait now (Step Functions already did).
    if (error instanceof ReviewTimedOutError) await executions.reviewExpired(error.request);
    if (error instanceof NotAwaitingReviewError || error instanceof ReviewWaitEndedError)
      return conflict(error.name, error.message);
    if (error instanceof ReviewResumeFailedError) {
      // The cause stays in the function log; the caller learns what to do.
      console.error(error, error.cause);
      // Retry-After with a 503 says when to try again (RFC 9110 §10.2.3); `itv review` does so on its own.
      const answer = json(503, { error: error.name, message: error.message });
      return { ...answer, headers: { ...answer.headers, 'retry-after': '2' } };
    }
    return errorResponse(error);
  }
}

const deps = awsPipelineDeps('review-intent', { policies: defaultPolicySet });

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('ReviewIntent'))
  .handler(
    withConventions(routeOf('POST /intents/{id}/review'), async (event: APIGatewayProxyEvent) => {
      executions ??= sfnExecutions(process.env);
      return reviewIntent(event, await deps(), executions);
    }),
  );
