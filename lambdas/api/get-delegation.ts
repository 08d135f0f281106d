import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { loadCatalog } from '../../catalog/index.js';
import type { Catalog } from '../core/catalog-schema.js';
import { grantedDelegation } from '../core/pipeline/granted-delegation.js';
import type { StateStore } from '../ports/state-store.js';
import { dynamoState } from '../wiring/aws/dynamodb.js';
import { onFirstUse } from '../wiring/aws/on-first-use.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { admitted } from './admitted.js';
import { withConventions } from './conventions.js';
import { errorResponse, json } from './http.js';
import { routeOf } from './routes.js';

let deps: { catalog: Catalog; state: StateStore } | undefined;

/**
 * `GET /delegations/{id}`: the delegation granted under `id`, live, expired or revoked now, as `GET /delegations`
 * lists it: where the `Location` of `POST /delegations` leads. A read, like the list: any admitted caller. A
 * malformed id is 400 naming `path.id`, an id nobody granted 404.
 */
export async function getDelegationRoute(
  event: APIGatewayProxyEvent,
  deps: { catalog: Catalog; state: StateStore },
  now: Date,
): Promise<APIGatewayProxyResult> {
  try {
    return json(200, await grantedDelegation(event.pathParameters?.id ?? '', { ...deps, now }));
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('GetDelegation'))
  .handler(
    admitted(
      withConventions(routeOf('GET /delegations/{id}'), (event: APIGatewayProxyEvent) => {
        deps ??= { catalog: loadCatalog(), state: onFirstUse(() => dynamoState(process.env)) };
        return getDelegationRoute(event, deps, new Date());
      }),
    ),
  );
