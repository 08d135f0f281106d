import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InvalidInputError } from '../core/errors.js';
import { checksParkOf } from '../core/pipeline/checks-wait.js';
import type { PipelineDeps } from '../core/pipeline/deps.js';
import { duePark } from '../core/pipeline/due-wait.js';
import {
  NotAwaitingDecisionError,
  pendingReleaseDecision,
  recordReleaseDecision,
} from '../core/pipeline/release-decision.js';
import { type ReviewRequest, readReview } from '../core/pipeline/review.js';
import {
  IntentNotInFlightError,
  laneParkOf,
  requestStop,
  type StopRequest,
} from '../core/pipeline/stop-intent.js';
import { personStopReason } from '../core/pipeline/stop-reason.js';
import type { Caller } from '../core/principals/caller.js';
import { stateKeys } from '../core/state-keys.js';
import type { Executions } from '../ports/executions.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { sfnExecutions } from '../wiring/aws/sfn.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { type Authenticate, iamCaller } from './caller.js';
import { locationOf, withConventions } from './conventions.js';
import { errorResponse, json, parseBody, withHeaders } from './http.js';
import { onceForKey } from './idempotency.js';
import { conflict } from './problem.js';
import { bodyIssues, stopBodySchema } from './request-bodies.js';
import { routeOf } from './routes.js';

let executions: Executions | undefined;

type StopDeps = Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'clock' | 'state' | 'catalog'>;

/**
 * `POST /intents/{id}/stop` with `{"reason"}`: the authenticated caller, its requester, an owner of its
 * service or a release steward, stops an intent in flight (`core/pipeline/stop-intent.ts`). The request is written once, then every
 * wait the intent is parked in is resumed so that its stage reads it. 202 with the status resource in
 * `Location`; the same stop again answers the first (`repeated`), and one whose caller or reason differs is told
 * its reason was not recorded (`reasonRecorded: false`, `note`). 400 bad body, 403 neither requester, owner nor
 * release steward (naming who may), 404 unknown intent, 409 concluded or failed (naming its status).
 */
export async function stopIntent(
  event: APIGatewayProxyEvent,
  deps: StopDeps,
  executions: Executions,
  authenticate: Authenticate = iamCaller,
): Promise<APIGatewayProxyResult> {
  try {
    const id = event.pathParameters?.id ?? '';
    // Who calls is settled first: an unknown caller learns nothing about the body or the intent.
    const caller = authenticate(event, deps.catalog);
    // A stop sent again with its Idempotency-Key gets the first answer.
    return await onceForKey(event, caller.principal, deps.state, deps.clock.now(), () =>
      stopAs(event, id, caller, deps, executions),
    );
  } catch (error) {
    return errorResponse(error);
  }
}

async function stopAs(
  event: APIGatewayProxyEvent,
  id: string,
  caller: Caller,
  deps: StopDeps,
  executions: Executions,
): Promise<APIGatewayProxyResult> {
  try {
    const body = parseBody(event.body, event.isBase64Encoded);
    const parsed = stopBodySchema.safeParse(body);
    if (!parsed.success) {
      throw new InvalidInputError(
        'invalid stop',
        bodyIssues(
          parsed.error,
          body,
          () => 'not a field of a stop (reason): who stops is the authenticated caller',
        ),
      );
    }
    try {
      const { request, status, repeated, note } = await requestStop(
        { intentId: id, reason: parsed.data.reason, caller },
        deps,
      );
      await resumeWaits(id, request, deps, executions);
      return withHeaders(
        json(202, {
          intentId: id,
          status: `/intents/${id}`,
          was: status.status,
          stop: {
            by: request.by,
            ...(request.as ? { as: request.as } : {}),
            reason: request.reason,
            requestedAt: request.requestedAt,
          },
          repeated,
          // A later stop that said something else: the first one's reason is the one recorded.
          ...(repeated ? { reasonRecorded: note === undefined } : {}),
          ...(note ? { note } : {}),
        }),
        { location: locationOf(event, `/intents/${encodeURIComponent(id)}`) },
      );
    } catch (error) {
      if (!(error instanceof IntentNotInFlightError)) throw error;
      // problem+json: `status` is the HTTP status (RFC 9457); the intent's own is `intentStatus`.
      return conflict(error.name, error.message, { intentStatus: error.status });
    }
  } catch (error) {
    return errorResponse(error);
  }
}

/**
 * Resumes whatever wait the intent is parked in, read after the request was written (each stage writes its
 * token before it reads the request): the lane park, a scheduled intent's park until its due instant, the park
 * for check results, an undecided review wait, a held release's decision wait (answered `hold`, on the stopper's
 * behalf). An intent in a stage, or releasing, reads the request itself.
 */
async function resumeWaits(
  intentId: string,
  stop: StopRequest,
  deps: StopDeps,
  executions: Executions,
): Promise<void> {
  const laneToken = await laneParkOf(intentId, deps);
  const dueToken = await duePark(intentId, deps);
  const checksToken = (await checksParkOf(intentId, deps))?.token;
  const reviewKey = stateKeys.reviewRequest(intentId);
  const review = (await deps.state.get<ReviewRequest>(reviewKey.pk, reviewKey.sk))?.data;
  const undecided = review && !(await readReview(intentId, deps)) ? review : undefined;
  await executions.resumeToStop(intentId, {
    ...(laneToken ? { laneToken } : {}),
    ...(dueToken ? { dueToken } : {}),
    ...(checksToken ? { checksToken } : {}),
    ...(undecided ? { review: undecided } : {}),
  });
  const held = await pendingReleaseDecision(intentId, deps);
  if (held && deps.clock.now().getTime() < Date.parse(held.expiresAt)) {
    try {
      const { request, decided } = await recordReleaseDecision(
        {
          intentId,
          decision: 'hold',
          reason: personStopReason(stop),
          decider: { principal: stop.by, authenticatedAs: stop.authenticatedAs },
          stop: true,
        },
        deps,
      );
      await executions.completeReleaseDecision(request, decided);
    } catch (error) {
      // An owner's decision came first: the wait is answered already, and the stop is honoured after it.
      if (!(error instanceof NotAwaitingDecisionError)) throw error;
    }
  }
}

const deps = awsPipelineDeps('stop-intent');

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('StopIntent'))
  .handler(
    withConventions(routeOf('POST /intents/{id}/stop'), async (event: APIGatewayProxyEvent) => {
      executions ??= sfnExecutions(process.env);
      return stopIntent(event, await deps(), executions);
    }),
  );
