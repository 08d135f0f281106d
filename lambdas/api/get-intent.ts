import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { intentStatus } from '../core/pipeline/status.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { withConventions } from './conventions.js';
import { errorResponse, json } from './http.js';
import { routeOf } from './routes.js';

/** `GET /intents/{id}`: the intent's status and steps, read from the ledger. */
export async function getIntent(
  event: APIGatewayProxyEvent,
  ledger: LedgerStore,
  ledgerName: string,
): Promise<APIGatewayProxyResult> {
  try {
    const id = event.pathParameters?.id ?? '';
    const status = intentStatus(id, await ledger.forIntent(ledgerName, id));
    return status
      ? json(200, status)
      : json(404, { error: 'NotFound', message: `no intent ${id} on the ledger` });
  } catch (error) {
    return errorResponse(error);
  }
}

const deps = awsPipelineDeps('get-intent');

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('GetIntent'))
  .handler(
    withConventions(routeOf('GET /intents/{id}'), async (event: APIGatewayProxyEvent) => {
      const { ledger, ledgerName } = await deps();
      return getIntent(event, ledger, ledgerName);
    }),
  );
