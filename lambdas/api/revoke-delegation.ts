import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { loadCatalog } from '../../catalog/index.js';
import { InvalidInputError } from '../core/errors.js';
import { parseDelegationId } from '../core/pipeline/delegation-id.js';
import { revokeGrantedDelegation } from '../core/pipeline/revoke-delegation.js';
import { dynamoState } from '../wiring/aws/dynamodb.js';
import { onFirstUse } from '../wiring/aws/on-first-use.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { type Authenticate, iamCaller } from './caller.js';
import { withConventions } from './conventions.js';
import { refusedText } from './free-text.js';
import { errorResponse, json } from './http.js';
import { revocationReasonSchema } from './parameters.js';
import { routeOf } from './routes.js';
import type { SubmissionDeps } from './submission.js';

let deps: SubmissionDeps | undefined;

/**
 * `DELETE /delegations/{id}?reason=TEXT`: the authenticated caller, who must be the grantor, revokes a
 * delegation granted at run time (`revokeGrantedDelegation`). The id and the reason are checked (400) before
 * anything is read; an id nobody granted is 404, somebody else's delegation 403. Revoking twice records once.
 */
export async function revokeDelegationRoute(
  event: APIGatewayProxyEvent,
  deps: SubmissionDeps,
  now: Date,
  authenticate: Authenticate = iamCaller,
): Promise<APIGatewayProxyResult> {
  try {
    const caller = authenticate(event, deps.catalog);
    const id = event.pathParameters?.id ?? '';
    parseDelegationId(id, 'path.id');
    const parsed = revocationReasonSchema.safeParse(event.queryStringParameters?.reason ?? '');
    if (!parsed.success) {
      throw new InvalidInputError('cannot revoke the delegation', [
        { path: 'reason', message: 'must say why, in at most 500 characters (?reason=…)' },
      ]);
    }
    const reason = parsed.data;
    const refused = refusedText(reason);
    if (refused)
      throw new InvalidInputError('cannot revoke the delegation', [{ path: 'reason', message: refused }]);
    const revoked = await revokeGrantedDelegation(id, reason, caller, { state: deps.state, now });
    return json(200, { id, ...revoked });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('RevokeDelegation'))
  .handler(
    withConventions(routeOf('DELETE /delegations/{id}'), (event: APIGatewayProxyEvent) => {
      deps ??= { catalog: loadCatalog(), state: onFirstUse(() => dynamoState(process.env)) };
      return revokeDelegationRoute(event, deps, new Date());
    }),
  );
