import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InvalidInputError } from '../core/errors.js';
import { NotRetryableError, planRetry } from '../core/pipeline/retry-intent.js';
import type { Caller } from '../core/principals/caller.js';
import type { Executions } from '../ports/executions.js';
import { intakeDeps } from '../wiring/aws/intake-deps.js';
import { sfnExecutions } from '../wiring/aws/sfn.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { type Authenticate, iamCaller } from './caller.js';
import { locationOf, withConventions } from './conventions.js';
import { errorResponse, json, parseBody, withHeaders } from './http.js';
import { onceForKey } from './idempotency.js';
import { conflict } from './problem.js';
import { retryBodySchema } from './request-bodies.js';
import { routeOf } from './routes.js';
import { type IntakeDeps, start } from './submission.js';

let executions: Executions | undefined;
let deps: IntakeDeps | undefined;

/**
 * `POST /intents/{id}/retry`: the authenticated caller, the intent's requester, an owner of its service or a release
 * steward, runs
 * an intent whose current attempt failed, was stopped, rolled back or failed verification again, as its next
 * attempt (`core/pipeline/retry-intent.ts`): 202 with the attempt's id (`<id>:attempt-<n>`),
 * `previousIntentId` and `Location`. The requester stays who it was; the caller is recorded as `retriedBy`.
 * 400 a body with fields, 403 neither requester nor owner (or the requester of an intent somebody else stopped,
 * which only an owner or a release steward may retry), 404 unknown intent, 409 in flight or not retryable
 * (naming its status).
 */
export async function retryIntent(
  event: APIGatewayProxyEvent,
  executions: Executions,
  deps: IntakeDeps,
  now: Date,
  authenticate: Authenticate = iamCaller,
): Promise<APIGatewayProxyResult> {
  try {
    const id = event.pathParameters?.id ?? '';
    const caller = authenticate(event, deps.catalog);
    // A retry sent again with its Idempotency-Key gets the first answer; one attempt starts.
    return await onceForKey(event, caller.principal, deps.state, now, () =>
      retryAs(event, id, caller, executions, deps, now),
    );
  } catch (error) {
    return errorResponse(error);
  }
}

async function retryAs(
  event: APIGatewayProxyEvent,
  id: string,
  caller: Caller,
  executions: Executions,
  deps: IntakeDeps,
  now: Date,
): Promise<APIGatewayProxyResult> {
  try {
    const body = event.body ? parseBody(event.body, event.isBase64Encoded) : {};
    const parsed = retryBodySchema.safeParse(body);
    if (!parsed.success) {
      throw new InvalidInputError(
        'invalid retry',
        parsed.error.issues.flatMap((issue) =>
          issue.code === 'unrecognized_keys'
            ? issue.keys.map((key) => ({
                path: key,
                message: 'a retry takes no fields: it runs the intent as declared',
              }))
            : [{ path: issue.path.join('.') || 'body', message: issue.message }],
        ),
      );
    }
    try {
      const plan = await planRetry(id, caller, deps);
      const started = await start(
        plan.intentId,
        plan.intent,
        { raw: plan.intent, caller: plan.submittedBy, source: plan.source, submittedAt: now.toISOString() },
        executions,
        deps,
        { retriedBy: caller },
      );
      const location = { location: locationOf(event, `/intents/${encodeURIComponent(started.intentId)}`) };
      if ('duplicate' in started) {
        // Another retry (or a resubmission) started this attempt a moment before: the same answer as theirs.
        return withHeaders(
          json(200, { intentId: started.intentId, status: `/intents/${started.intentId}`, duplicate: true }),
          location,
        );
      }
      return withHeaders(
        json(202, {
          intentId: started.intentId,
          executionId: started.executionId,
          status: `/intents/${started.intentId}`,
          previousIntentId: started.previousIntentId ?? plan.previousRunId,
          retriedBy: caller.principal,
        }),
        location,
      );
    } catch (error) {
      if (!(error instanceof NotRetryableError)) throw error;
      // problem+json: `status` is the HTTP status (RFC 9457); the intent's own is `intentStatus`.
      return conflict(error.name, error.message, { intentStatus: error.status });
    }
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('RetryIntent'))
  .handler(
    withConventions(routeOf('POST /intents/{id}/retry'), (event: APIGatewayProxyEvent) => {
      executions ??= sfnExecutions(process.env);
      deps ??= intakeDeps(process.env);
      return retryIntent(event, executions, deps, new Date());
    }),
  );
