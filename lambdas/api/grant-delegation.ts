import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { loadCatalog } from '../../catalog/index.js';
import { InvalidInputError } from '../core/errors.js';
import { delegationId } from '../core/pipeline/delegation-id.js';
import { grantDelegation } from '../core/pipeline/delegations.js';
import { findPrincipal } from '../core/principals/index.js';
import { dynamoState } from '../wiring/aws/dynamodb.js';
import { onFirstUse } from '../wiring/aws/on-first-use.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { type Authenticate, iamCaller } from './caller.js';
import { locationOf, withConventions } from './conventions.js';
import { errorResponse, json, parseBody } from './http.js';
import { bodyIssues, grantBodySchema } from './request-bodies.js';
import { routeOf } from './routes.js';
import type { SubmissionDeps } from './submission.js';

let deps: SubmissionDeps | undefined;

/**
 * `POST /delegations`: the authenticated caller delegates, from its own authority over services it owns, to
 * another principal (by id or e-mail) until an expiry at most 90 days ahead (`grantDelegation`). A body that
 * names a grantor is a 400: nobody grants on somebody else's behalf. 201 with the delegation, its id and
 * `Location: /delegations/{id}`, which `DELETE` revokes.
 */
export async function grantDelegationRoute(
  event: APIGatewayProxyEvent,
  deps: SubmissionDeps,
  now: Date,
  authenticate: Authenticate = iamCaller,
): Promise<APIGatewayProxyResult> {
  try {
    const grantor = authenticate(event, deps.catalog);
    const sent = parseBody(event.body, event.isBase64Encoded);
    const parsed = grantBodySchema.safeParse(sent);
    if (!parsed.success) {
      throw new InvalidInputError(
        'invalid delegation',
        bodyIssues(parsed.error, sent, (key) =>
          key === 'from'
            ? 'the grantor is the authenticated caller, never a field of the request'
            : 'is not a field of a delegation',
        ),
      );
    }
    const body = parsed.data;
    const granted = await grantDelegation(
      { ...body, to: findPrincipal(deps.catalog, body.to) ?? body.to },
      grantor,
      { state: deps.state, catalog: deps.catalog, now },
    );
    const id = delegationId(granted);
    return {
      ...json(201, { id, ...granted }),
      headers: {
        'content-type': 'application/json',
        location: locationOf(event, `/delegations/${encodeURIComponent(id)}`),
      },
    };
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('GrantDelegation'))
  .handler(
    withConventions(routeOf('POST /delegations'), (event: APIGatewayProxyEvent) => {
      deps ??= { catalog: loadCatalog(), state: onFirstUse(() => dynamoState(process.env)) };
      return grantDelegationRoute(event, deps, new Date());
    }),
  );
