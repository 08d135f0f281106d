import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { defaultPolicySet } from '../../policies/index.js';
import { checkCompleteness } from '../core/completeness.js';
import { InvalidInputError } from '../core/errors.js';
import { dryRunIntent } from '../core/pipeline/dry-run.js';
import { withPayload } from '../core/pipeline/payloads.js';
import type { PolicySet } from '../core/policy/types.js';
import type { Caller } from '../core/principals/index.js';
import type { Executions } from '../ports/executions.js';
import { doorDeps } from '../wiring/aws/door-deps.js';
import { sfnExecutions } from '../wiring/aws/sfn.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { type Authenticate, iamCaller } from './caller.js';
import { locationOf, withConventions } from './conventions.js';
import { errorResponse, json, parseBody, withHeaders } from './http.js';
import { onceForKey } from './idempotency.js';
import { routeOf } from './routes.js';
import { bindSubmission, type DoorDeps, refuseAtTheDoor, submit } from './submission.js';

let executions: Executions | undefined;
let deps: DoorDeps | undefined;

/**
 * `POST /intents`: the authenticated caller is the requester. An intent that leaves `authority.requester`
 * out takes the caller; one that names somebody else is refused (403) unless the catalog records a
 * delegation from them to the caller. Then the intent must be complete (400 naming each field), and the
 * pipeline starts under the intent's attempt (a resubmission answers `duplicate`; one after an attempt that
 * ended unreleased starts the next attempt, `<id>:attempt-<n>`, and answers `previousIntentId`).
 */
export async function submitIntent(
  event: APIGatewayProxyEvent,
  executions: Executions,
  deps: DoorDeps & { policies?: PolicySet },
  now: Date,
  authenticate: Authenticate = iamCaller,
): Promise<APIGatewayProxyResult> {
  try {
    const caller = authenticate(event, deps.catalog);
    // A request sent again with its Idempotency-Key gets the first answer; the intent is submitted once.
    return await onceForKey(event, caller.principal, deps.state, now, () =>
      answer(event, caller, executions, deps, now),
    );
  } catch (error) {
    return errorResponse(error);
  }
}

async function answer(
  event: APIGatewayProxyEvent,
  caller: Caller,
  executions: Executions,
  deps: DoorDeps & { policies?: PolicySet },
  now: Date,
): Promise<APIGatewayProxyResult> {
  try {
    const raw = parseBody(event.body, event.isBase64Encoded);
    if (dryRunAsked(event)) return json(200, await dryRun(raw, caller, deps, now));
    const submitted = await submit(
      { raw, caller, source: 'api', submittedAt: now.toISOString() },
      executions,
      deps,
      now,
    );
    const status = `/intents/${submitted.intentId}`;
    // The status resource in `Location` (RFC 9110 §15.3.3: a 202 points where the outcome can be followed).
    const location = { location: locationOf(event, `/intents/${encodeURIComponent(submitted.intentId)}`) };
    if ('duplicate' in submitted) {
      return withHeaders(json(200, { intentId: submitted.intentId, status, duplicate: true }), location);
    }
    const { previousIntentId } = submitted;
    return withHeaders(
      json(202, {
        intentId: submitted.intentId,
        executionId: submitted.executionId,
        status,
        ...(previousIntentId ? { previousIntentId } : {}),
      }),
      location,
    );
  } catch (error) {
    return errorResponse(error);
  }
}

/** `?dryRun=true` (or `false`, or absent); anything else is a 400 naming it, before anything is read. */
function dryRunAsked(event: APIGatewayProxyEvent): boolean {
  const value = event.queryStringParameters?.dryRun;
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new InvalidInputError('invalid query', [
    { path: 'dryRun', message: `must be true or false, not "${value}"` },
  ]);
}

/**
 * `POST /intents?dryRun=true`: the submission's own checks — the door, the requester bound to the caller
 * (403), completeness (400 naming each field) — then what ValidateStructure and AdmitPolicy would decide now
 * (`dryRunIntent`), answered 200 with nothing started and nothing written anywhere.
 */
async function dryRun(raw: unknown, caller: Caller, deps: DoorDeps & { policies?: PolicySet }, now: Date) {
  const salt = await refuseAtTheDoor(raw, deps.payloads);
  const { intent } = await bindSubmission(raw, caller, deps, now);
  const checked = checkCompleteness(intent, deps.catalog, salt, now);
  if (!checked.ok) throw new InvalidInputError('the intent is incomplete or malformed', checked.issues);
  return dryRunIntent(await withPayload(checked.intent, deps.payloads), checked.intentId, {
    ...deps,
    policies: deps.policies ?? defaultPolicySet,
    clock: { now: () => now },
  });
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('SubmitIntent'))
  .handler(
    withConventions(routeOf('POST /intents'), (event: APIGatewayProxyEvent) => {
      executions ??= sfnExecutions(process.env);
      deps ??= doorDeps(process.env);
      return submitIntent(event, executions, deps, new Date());
    }),
  );
