import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { telemetry } from '../wiring/aws/telemetry.js';
import { admitted } from './admitted.js';
import { withConventions } from './conventions.js';
import { openApiDocument } from './openapi.js';
import { routeOf } from './routes.js';

let document: string | undefined;

/** `GET /openapi.json`: the API's OpenAPI 3.1 document, generated from the route table and the zod schemas. */
export async function getOpenApi(): Promise<APIGatewayProxyResult> {
  document ??= JSON.stringify(openApiDocument());
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: document };
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('GetOpenApi'))
  .handler(admitted(withConventions(routeOf('GET /openapi.json'), () => getOpenApi())));
