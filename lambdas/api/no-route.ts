import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { telemetry } from '../wiring/aws/telemetry.js';
import { admitted } from './admitted.js';
import { methodNotAllowed, noRouteProblem } from './problem.js';
import { matchRoute } from './routes.js';

/**
 * What API Gateway hands over for a request no route declares (the ANY method of each resource, and the root's
 * greedy `{proxy+}`): 405 with `Allow` for a path that takes other methods, 404 for one nobody declared, as
 * the local control plane answers them from the same route table.
 */
export async function noRoute(
  event: Pick<APIGatewayProxyEvent, 'httpMethod' | 'path'>,
): Promise<APIGatewayProxyResult> {
  const matched = matchRoute(event.httpMethod, event.path);
  if (matched && 'allowed' in matched) return methodNotAllowed(event.httpMethod, event.path, matched.allowed);
  return noRouteProblem(event.path);
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('NoRoute'))
  .handler(admitted((event: APIGatewayProxyEvent) => noRoute(event)));
