import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { valueAnswer } from '../core/value-answer.js';
import { concludedIntents } from '../core/value-report.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { withConventions } from './conventions.js';
import { errorResponse, json } from './http.js';
import { routeOf } from './routes.js';

/**
 * `GET /value?by=service,team&since=&until=&curveBy=`: value per hour, cost of delay and time to value grouped
 * by the dimensions (default `service`), the DORA figures over the window and per day or week, and the
 * compounding curve of each kind of change (default `service,kind`), all computed from the ledger over the
 * intents concluded within the window. A dimension that is neither built in nor a tag of any concluded intent,
 * or a malformed instant, is a 400 naming the field.
 */
export async function reportValue(
  event: APIGatewayProxyEvent,
  ledger: LedgerStore,
  ledgerName: string,
): Promise<APIGatewayProxyResult> {
  try {
    const query = event.queryStringParameters ?? {};
    const intents = concludedIntents(await ledger.read(ledgerName));
    return json(
      200,
      valueAnswer(intents, { by: query.by, since: query.since, until: query.until, curveBy: query.curveBy }),
    );
  } catch (error) {
    return errorResponse(error);
  }
}

const deps = awsPipelineDeps('report-value');

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('ReportValue'))
  .handler(
    withConventions(routeOf('GET /value'), async (event: APIGatewayProxyEvent) => {
      const { ledger, ledgerName } = await deps();
      return reportValue(event, ledger, ledgerName);
    }),
  );
