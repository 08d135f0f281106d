import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { valueDimensions } from '../core/value-dimensions.js';
import { concludedIntents, doraFigures, valueReport } from '../core/value-report.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { withConventions } from './conventions.js';
import { errorResponse, json } from './http.js';
import { routeOf } from './routes.js';

/**
 * `GET /value?by=service,team`: value per hour, cost of delay and time to value grouped by the dimensions
 * (default `service`), and the DORA figures, computed from the ledger. A dimension that is neither built in
 * nor a tag of any concluded intent is a 400 naming it and the known ones.
 */
export async function reportValue(
  event: APIGatewayProxyEvent,
  ledger: LedgerStore,
  ledgerName: string,
): Promise<APIGatewayProxyResult> {
  try {
    const intents = concludedIntents(await ledger.read(ledgerName));
    const dimensions = valueDimensions(event.queryStringParameters?.by ?? 'service', intents);
    return json(200, { dimensions, groups: valueReport(intents, dimensions), dora: doraFigures(intents) });
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
