import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { loadCatalog } from '../../catalog/index.js';
import type { Executions } from '../ports/executions.js';
import { dynamoState } from '../wiring/aws/dynamodb.js';
import { onFirstUse } from '../wiring/aws/on-first-use.js';
import { sfnExecutions } from '../wiring/aws/sfn.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { type Authenticate, iamCaller } from './caller.js';
import { errorResponse, json, parseBody } from './http.js';
import { type SubmissionDeps, submit } from './submission.js';

let executions: Executions | undefined;
let deps: SubmissionDeps | undefined;

/**
 * `POST /intents`: the authenticated caller is the requester. An intent that leaves `authority.requester`
 * out takes the caller; one that names somebody else is refused (403) unless the catalog records a
 * delegation from them to the caller. Then the intent must be complete (400 naming each field), and the
 * pipeline starts with the intent id as the execution name (a resubmission answers `duplicate`).
 */
export async function submitIntent(
  event: APIGatewayProxyEvent,
  executions: Executions,
  deps: SubmissionDeps,
  now: Date,
  authenticate: Authenticate = iamCaller,
): Promise<APIGatewayProxyResult> {
  try {
    const caller = authenticate(event, deps.catalog);
    const raw = parseBody(event.body, event.isBase64Encoded);
    const submitted = await submit(
      { raw, caller, source: 'api', submittedAt: now.toISOString() },
      executions,
      deps,
      now,
    );
    const status = `/intents/${submitted.intentId}`;
    return 'duplicate' in submitted
      ? json(200, { intentId: submitted.intentId, status, duplicate: true })
      : json(202, { intentId: submitted.intentId, executionId: submitted.executionId, status });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('SubmitIntent'))
  .handler((event: APIGatewayProxyEvent) => {
    executions ??= sfnExecutions(process.env);
    deps ??= { catalog: loadCatalog(), state: onFirstUse(() => dynamoState(process.env)) };
    return submitIntent(event, executions, deps, new Date());
  });
