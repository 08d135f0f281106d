import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InvalidInputError } from '../core/errors.js';
import { intentStatus } from '../core/pipeline/status.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { withConventions } from './conventions.js';
import { errorResponse, json } from './http.js';
import { routeOf } from './routes.js';

/**
 * `GET /intents/{id}`: the intent's status and steps, read from the ledger. `?include=entries` adds its ledger
 * entries whole (payloads included): what a view of one intent draws its timeline, rollout and policy from.
 */
export async function getIntent(
  event: APIGatewayProxyEvent,
  ledger: LedgerStore,
  ledgerName: string,
): Promise<APIGatewayProxyResult> {
  try {
    const id = event.pathParameters?.id ?? '';
    const include = event.queryStringParameters?.include;
    if (include !== undefined && include !== 'entries') {
      throw new InvalidInputError('invalid intent query', [
        {
          path: 'include',
          message: `must be "entries" (the intent's ledger entries), not "${include.slice(0, 40)}"`,
        },
      ]);
    }
    const own = await ledger.forIntent(ledgerName, id);
    const status = intentStatus(id, own);
    if (!status) return json(404, { error: 'NotFound', message: `no intent ${id} on the ledger` });
    return json(
      200,
      include === 'entries' ? { ...status, entries: own.map((stored) => stored.entry) } : status,
    );
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
