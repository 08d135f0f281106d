import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { telemetry } from '../wiring/aws/telemetry.js';
import { problem } from './problem.js';
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
  if (matched && 'allowed' in matched) {
    const allow = matched.allowed.join(', ');
    return problem(
      405,
      'MethodNotAllowed',
      `${event.httpMethod} is not a method of ${event.path}; it takes ${allow}`,
      { instance: event.path },
      { allow },
    );
  }
  return problem(404, 'NotFound', `no route ${event.path}`, { instance: event.path });
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('NoRoute'))
  .handler((event: APIGatewayProxyEvent) => noRoute(event));
