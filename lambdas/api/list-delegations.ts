import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { loadCatalog } from '../../catalog/index.js';
import type { Catalog } from '../core/catalog-schema.js';
import { delegationFilter, listDelegations } from '../core/pipeline/list-delegations.js';
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
 * `GET /delegations?principal=&status=`: every delegation, the catalog's standing ones and those granted at run
 * time, newest expiry first, each `live`, `expired` or `revoked` now (`listDelegations`); a granted one carries
 * the `id` that revokes it. A read, like `GET /intents`: any caller a catalog principal claims may list them
 * (`admitted`; 401 for any other). `principal`
 * (id or e-mail) keeps those it granted or holds; a principal the catalog lacks, or another status, is a 400
 * naming the parameter.
 */
export async function listDelegationsRoute(
  event: APIGatewayProxyEvent,
  deps: { catalog: Catalog; state: StateStore },
  now: Date,
): Promise<APIGatewayProxyResult> {
  try {
    const filter = delegationFilter(event.queryStringParameters ?? {}, deps.catalog);
    const delegations = await listDelegations(filter, { ...deps, now });
    return json(200, { at: now.toISOString(), delegations });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('ListDelegations'))
  .handler(
    admitted(
      withConventions(routeOf('GET /delegations'), (event: APIGatewayProxyEvent) => {
        deps ??= { catalog: loadCatalog(), state: onFirstUse(() => dynamoState(process.env)) };
        return listDelegationsRoute(event, deps, new Date());
      }),
    ),
  );
